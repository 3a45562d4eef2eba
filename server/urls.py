"""Our IRIs and this site's URLs: every IRI under the base IRI is served at the same path here.

``<base>id/organisation/dyzo`` is the page ``/id/organisation/dyzo`` of whatever host serves it, so a
local deployment navigates locally while the data keeps its published IRIs. Vocabulary terms
(``https://fundinggraph.example.org/def#Agency``, ``.../def/theme/clusters``) map to ``/def...``.
"""

from __future__ import annotations

from urllib.parse import quote

from fundinggraph.config import VOCAB_BASE
from server.store import settings


def page_url(iri: str) -> str:
    """The local URL of ``iri`` when it is ours (data or vocabulary), else the IRI itself."""
    base = settings().base_iri
    if iri.startswith(base + "id/"):
        return "/" + quote(iri[len(base):], safe="/:@-._~!$&'()*+,;=")
    if iri.startswith(VOCAB_BASE):
        rest = iri[len(VOCAB_BASE):]
        return "/def" + (("#" + rest[1:]) if rest.startswith("#") else rest)
    return iri


def iri_for_path(path: str) -> str:
    """The IRI a local path ``id/...`` (no leading slash) stands for."""
    return settings().base_iri + path


def is_ours(iri: str) -> bool:
    """True for IRIs this site serves a page for."""
    return iri.startswith(settings().base_iri + "id/") or iri.startswith(VOCAB_BASE)
