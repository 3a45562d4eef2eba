"""Which remote places a query or update would contact (``SERVICE``, ``LOAD``), found before it runs.

Oxigraph fetches ``SERVICE`` endpoints and ``LOAD`` documents itself, so the endpoint must know every
target before the text reaches the store, and a public endpoint must not fetch arbitrary URLs for
strangers. A tokenizer that disagrees with Oxigraph's parser in one corner case (``?a<?b)SERVICE?v#>``
reads as an IRI to a naive lexer) would let a target through, so this check does not tokenize: it looks
at **every** case-insensitive occurrence of the keyword, wherever it is (strings and comments included),
and only skips occurrences that cannot be the keyword for any parser: the tail of a variable name
(``?myservice``) or the inside of a prefixed name's local part (``ex:selfservice``). For each remaining
occurrence it reads what follows the way the grammar does (whitespace, ``#`` comments, ``SILENT``):

* an IRI in angle brackets (``\\u`` escapes decoded, as Oxigraph does) is a target, allowed only when it
  is an absolute ``http(s)`` IRI listed in ``service_allowlist``;
* a variable (``SERVICE ?endpoint``), a prefixed name, or anything unreadable is refused;
* anything else (``"customer service desk"``) cannot start a target and is ignored.

The price is an occasional false refusal (a string literal that says ``service <...>``); the message
names the text. Executors additionally run without network access where the OS allows
(``fundinggraph.store.executor``), so a miss here would still reach nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_IRIREF = re.compile(r"<((?:[^<>\"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*)>")
_UCHAR = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_PNAME_START = re.compile(r"[\w\-.\u00B7]*:")
_SILENT = re.compile(r"silent", re.IGNORECASE)
_VARNAME_CHARS = re.compile(r"[\w\u00B7\u0300-\u036F\u203F\u2040]")
_PN_CHARS = re.compile(r"[\w\-.:\u00B7\u0300-\u036F\u203F\u2040]")
_KEYWORDS = {"SERVICE": re.compile("service", re.IGNORECASE), "LOAD": re.compile("load", re.IGNORECASE)}


@dataclass(frozen=True)
class Target:
    """One place the text would contact: ``iri`` is ``None`` when it is not a plain IRI we can check."""

    keyword: str
    iri: str | None
    #: The text after the keyword, as written (for messages).
    written: str
    #: Line and column (1-based) of the keyword.
    line: int
    column: int


class Refused(Exception):
    """A target is not allowed; the message says which and why."""

    def __init__(self, message: str, target: Target):
        super().__init__(message)
        self.message = message
        self.target = target


def _unescape(iri: str) -> str:
    return _UCHAR.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), iri)


def _skip_space(text: str, pos: int) -> int:
    """Skip whitespace (any Unicode space: a superset of the grammar's) and ``#`` comments."""
    n = len(text)
    while pos < n:
        char = text[pos]
        if char.isspace():
            pos += 1
        elif char == "#":
            while pos < n and text[pos] not in "\r\n":
                pos += 1
        else:
            break
    return pos


def _cannot_be_keyword(text: str, start: int) -> bool:
    """True when the occurrence at ``start`` is inside a variable name or a prefixed name's local part."""
    if start == 0:
        return False
    if text[start - 1] in "/#":
        return True  # the middle of an IRI path or of a comment: never a keyword for any parser
    i = start
    while i > 0 and _VARNAME_CHARS.match(text[i - 1]):
        i -= 1
    if i > 0 and text[i - 1] in "?$":
        return True  # ?service, ?myservice: a variable name
    i = start
    while i > 0 and _PN_CHARS.match(text[i - 1]):
        i -= 1
    run = text[i:start]
    if ":" in run:
        local = run[run.index(":") + 1 :]
        # A local part may not start with '.' or '-': in ``ex:.SERVICE`` the keyword follows ``ex:``.
        return local == "" or local[0] not in ".-\u00B7"
    return False


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _target_at(text: str, pos: int, keyword: str, line: int, column: int) -> Target | None:
    """The target starting at ``pos`` (after spaces), or ``None`` when nothing there can be one."""
    written = text[pos : pos + 80].split("{", 1)[0].strip()
    char = text[pos : pos + 1]
    if char == "<":
        match = _IRIREF.match(text, pos)
        iri = _unescape(match.group(1)) if match else None
        return Target(keyword, iri, match.group(0) if match else written, line, column)
    if char in ("?", "$"):
        return Target(keyword, None, re.match(r"[?$][\w\u00B7]*", text[pos:]).group(), line, column)  # type: ignore[union-attr]
    if _PNAME_START.match(text, pos):
        return Target(keyword, None, written.split()[0], line, column)
    return None


def targets(text: str, keyword: str = "SERVICE") -> list[Target]:
    """Every ``SERVICE`` (or ``LOAD``) target in ``text``, including some that are not really targets."""
    found: list[Target] = []
    for match in _KEYWORDS[keyword].finditer(text):
        if _cannot_be_keyword(text, match.start()):
            continue
        line, column = _position(text, match.start())
        pos = _skip_space(text, match.end())
        candidates = [pos]
        silent = _SILENT.match(text, pos)
        if silent:
            # Both readings: SILENT the keyword, or the start of a prefixed name ``silent:x``.
            candidates.append(_skip_space(text, silent.end()))
        for candidate in candidates:
            target = _target_at(text, candidate, keyword, line, column)
            if target is not None:
                found.append(target)
    return found


def check(text: str, allowlist: tuple[str, ...], *, update: bool = False) -> list[Target]:
    """The allowed targets of ``text``; raise :class:`Refused` for the first one that is not allowed.

    Only ``http``/``https`` IRIs listed exactly in ``allowlist`` are allowed; ``LOAD`` is checked too
    when ``update``.
    """
    keywords = ("SERVICE", "LOAD") if update else ("SERVICE",)
    allowed: list[Target] = []
    for keyword in keywords:
        if keyword.lower() not in text.lower():
            continue  # the fast path: almost no query mentions the word at all
        for target in targets(text, keyword):
            where = f"line {target.line}, column {target.column}"
            if target.iri is None:
                if target.written.startswith(("?", "$")):
                    reason = f"{keyword} with a variable ({target.written}) is not allowed: the endpoint must " \
                             "know every remote address before the query runs"
                else:
                    reason = f"{keyword} {target.written} is not allowed: write the endpoint as a full IRI " \
                             "in angle brackets, one of the allowed endpoints"
                raise Refused(f"{reason} ({where})", target)
            if not target.iri.lower().startswith(("http://", "https://")):
                raise Refused(f"{keyword} <{target.iri}> is not allowed: only http(s) endpoints listed in the "
                              f"setting service_allowlist may be contacted ({where})", target)
            if target.iri not in allowlist:
                listed = ", ".join(allowlist) if allowlist else "none: SERVICE and LOAD are switched off"
                raise Refused(f"{keyword} <{target.iri}> is not allowed: it is not in the setting "
                              f"service_allowlist ({listed}) ({where})", target)
            allowed.append(target)
    return allowed


_STRING = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'',
                     re.DOTALL)
_OPEN, _CLOSE = "{([", "})]"


class TooDeep(Exception):
    """The text nests groups deeper than the limit; the message says how deep and where."""

    def __init__(self, message: str, line: int, column: int):
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


def check_depth(text: str, limit: int) -> int:
    """The deepest nesting of ``{ ( [`` in ``text`` outside strings, IRIs and comments.

    Oxigraph's parser recurses once per level, and a query nested thousands deep overflows its stack;
    refusing it here turns a crashed executor into a 400 that says why.

    :raises TooDeep: at the first bracket beyond ``limit``.
    """
    depth = deepest = 0
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char in "\"'":
            match = _STRING.match(text, i)
            i = match.end() if match else i + 1
            continue
        if char == "<":
            match = _IRIREF.match(text, i)
            if match:
                i = match.end()
                continue
        elif char == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        elif char in _OPEN:
            depth += 1
            if depth > limit:
                line = text.count("\n", 0, i) + 1
                column = i - (text.rfind("\n", 0, i) + 1) + 1
                raise TooDeep(f"the query nests groups and brackets more than {limit} deep (setting "
                              f"max_query_depth) at line {line}, column {column}", line, column)
            deepest = max(deepest, depth)
        elif char in _CLOSE:
            depth = max(0, depth - 1)
        i += 1
    return deepest
