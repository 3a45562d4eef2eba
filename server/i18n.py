"""Dutch and English: the language of a request, and the interface texts in both.

The language is ``?lang=nl|en`` (remembered in a cookie), else the cookie, else the best match of
``Accept-Language``, else Dutch (the language of the sources). Data labels fall back to the other
language, then to any label, then to the IRI's last segment: see :func:`pick`.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import Flask, Response, g, request

LANGUAGES = ("nl", "en")
DEFAULT = "nl"
COOKIE = "lang"

#: Interface texts; blueprints add their own keys with :func:`add_messages`.
MESSAGES: dict[str, dict[str, str]] = {
    "site.title": {"nl": "Financieringsgraaf Vlaams economisch beleid", "en": "Flemish economic-policy funding graph"},
    "nav.home": {"nl": "Home", "en": "Home"},
    "nav.search": {"nl": "Zoeken", "en": "Search"},
    "nav.sparql": {"nl": "SPARQL", "en": "SPARQL"},
    "nav.queries": {"nl": "Vragen", "en": "Queries"},
    "nav.flows": {"nl": "Wie financiert wie", "en": "Who funds whom"},
    "nav.api": {"nl": "API", "en": "API"},
    "nav.about": {"nl": "Over de data", "en": "About the data"},
    "search.placeholder": {"nl": "Zoek een organisatie, instrument, document ...", "en": "Search an organisation, instrument, document ..."},
    "error.title": {"nl": "Er ging iets mis", "en": "Something went wrong"},
    "error.back": {"nl": "Terug naar de startpagina", "en": "Back to the home page"},
}


def add_messages(messages: dict[str, dict[str, str]]) -> None:
    """Register interface texts (``{"key": {"nl": ..., "en": ...}}``)."""
    MESSAGES.update(messages)


def current() -> str:
    """The language of this request."""
    return getattr(g, "lang", DEFAULT)


def t(key: str) -> str:
    """The interface text ``key`` in the request's language (the key itself if unknown)."""
    entry = MESSAGES.get(key)
    if not entry:
        return key
    return entry.get(current()) or entry.get(DEFAULT) or key


def pick(labels: Iterable[tuple[str, str | None]], fallback: str = "") -> str:
    """Choose a label from ``(text, language)`` pairs: this language, then the other, then any."""
    labels = list(labels)
    lang = current()
    for wanted in (lang, *(other for other in LANGUAGES if other != lang), "", None):
        for text, tag in labels:
            if (tag or "") == (wanted or "") or (wanted is None):
                return text
    return fallback


def init_app(app: Flask) -> None:
    @app.before_request
    def _choose() -> None:
        asked = request.args.get("lang")
        if asked in LANGUAGES:
            g.lang, g.set_lang_cookie = asked, True
            return
        cookie = request.cookies.get(COOKIE)
        if cookie in LANGUAGES:
            g.lang = cookie
            return
        g.lang = request.accept_languages.best_match(LANGUAGES, default=DEFAULT) or DEFAULT

    @app.after_request
    def _remember(response: Response) -> Response:
        if getattr(g, "set_lang_cookie", False):
            response.set_cookie(COOKIE, g.lang, max_age=365 * 24 * 3600, samesite="Lax")
        if response.mimetype == "text/html":
            response.vary.add("Accept-Language")
            response.vary.add("Cookie")
        return response

    app.jinja_env.globals.update(t=t, current_lang=current, LANGUAGES=LANGUAGES)
