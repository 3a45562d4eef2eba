"""Human labels of every resource, from one query per data version, and the formatting of values.

The label table holds every ``skos:prefLabel``, ``rdfs:label``, ``foaf:name``, ``dcterms:title`` and
``skos:altLabel`` of the graph (and ``fg:quote``, which names an excerpt in lists) (including the ontology's labels of our classes and properties) plus
each resource's ``rdf:type``. Pages look labels up here instead of joining them into their queries,
so a page needs only a few small queries. Missing labels fall back to a readable form of the IRI's
last segment (``amountType`` -> "amount type").
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from pyoxigraph import Literal, NamedNode

from fundinggraph.config import VOCAB_BASE
from fundinggraph.namespaces import PREFIXES
from server import i18n
from server.pagecache import per_version
from server.store import backend

SKOS = PREFIXES["skos"]
RDFS = PREFIXES["rdfs"]
FOAF = PREFIXES["foaf"]
DCTERMS = PREFIXES["dcterms"]

#: Label predicates, best first.
LABEL_PREDICATES = (SKOS + "prefLabel", RDFS + "label", FOAF + "name", DCTERMS + "title")
ALT_LABEL = SKOS + "altLabel"

#: A quote names its excerpt when nothing else does (excerpts have no labels of their own).
QUOTE = PREFIXES["fg"] + "quote"
QUOTE_LABEL_LENGTH = 80

LABELS_QUERY = """
SELECT ?s ?p ?l WHERE {
  VALUES ?p { skos:prefLabel rdfs:label foaf:name dcterms:title skos:altLabel fg:quote }
  ?s ?p ?l . FILTER(isLiteral(?l) && !isBlank(?s))
}
"""
TYPES_QUERY = "SELECT ?s ?c WHERE { ?s a ?c . FILTER(isIRI(?s) && isIRI(?c)) }"

#: Labels of common terms of other vocabularies, used when the ontology in the store has none.
BUILTIN: dict[str, dict[str, str]] = {
    PREFIXES["rdf"] + "type": {"nl": "soort", "en": "type"},
    RDFS + "label": {"nl": "label", "en": "label"},
    RDFS + "comment": {"nl": "toelichting", "en": "comment"},
    RDFS + "seeAlso": {"nl": "zie ook", "en": "see also"},
    SKOS + "prefLabel": {"nl": "naam", "en": "name"},
    SKOS + "altLabel": {"nl": "andere naam", "en": "alternative name"},
    SKOS + "exactMatch": {"nl": "zelfde als", "en": "exact match"},
    SKOS + "closeMatch": {"nl": "vergelijkbaar met", "en": "close match"},
    SKOS + "notation": {"nl": "code", "en": "notation"},
    SKOS + "inScheme": {"nl": "in schema", "en": "in scheme"},
    SKOS + "definition": {"nl": "definitie", "en": "definition"},
    FOAF + "name": {"nl": "naam", "en": "name"},
    FOAF + "page": {"nl": "webpagina", "en": "web page"},
    PREFIXES["owl"] + "sameAs": {"nl": "zelfde als", "en": "same as"},
    DCTERMS + "title": {"nl": "titel", "en": "title"},
    DCTERMS + "source": {"nl": "bron", "en": "source"},
    DCTERMS + "date": {"nl": "datum", "en": "date"},
    DCTERMS + "subject": {"nl": "onderwerp", "en": "subject"},
    DCTERMS + "publisher": {"nl": "uitgever", "en": "publisher"},
    DCTERMS + "isPartOf": {"nl": "deel van", "en": "part of"},
    DCTERMS + "language": {"nl": "taal", "en": "language"},
    DCTERMS + "format": {"nl": "formaat", "en": "format"},
    DCTERMS + "description": {"nl": "beschrijving", "en": "description"},
    PREFIXES["prov"] + "wasDerivedFrom": {"nl": "afgeleid uit", "en": "derived from"},
    PREFIXES["org"] + "subOrganizationOf": {"nl": "onderdeel van", "en": "sub-organisation of"},
    PREFIXES["org"] + "hasSubOrganization": {"nl": "heeft als onderdeel", "en": "has sub-organisation"},
    PREFIXES["org"] + "memberOf": {"nl": "lid van", "en": "member of"},
    PREFIXES["org"] + "hasMember": {"nl": "heeft als lid", "en": "has member"},
    PREFIXES["org"] + "Organization": {"nl": "Organisatie", "en": "Organisation"},
    PREFIXES["qb"] + "dataSet": {"nl": "dataset", "en": "data set"},
    PREFIXES["qb"] + "Observation": {"nl": "Observatie", "en": "Observation"},
    PREFIXES["rdf"] + "Statement": {"nl": "Bewering (reïficatie)", "en": "Statement (reified)"},
    PREFIXES["foaf"] + "Person": {"nl": "Persoon", "en": "Person"},
}

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def local_name(iri: str) -> str:
    """The last segment of an IRI (after ``#`` or ``/``)."""
    stripped = iri.rstrip("/#")
    for sep in ("#", "/"):
        if sep in stripped:
            stripped = stripped.rsplit(sep, 1)[1]
    return stripped or iri


def humanise(iri: str) -> str:
    """A readable fallback label: ``fg:amountType`` -> "amount type", ``.../expected-payment`` -> "expected payment"."""
    name = local_name(iri)
    if iri.startswith(VOCAB_BASE + "#") and name[:1].isupper():
        return _CAMEL.sub(" ", name).capitalize() if not name.isupper() else name
    if iri.startswith(VOCAB_BASE):
        spaced = _CAMEL.sub(" ", name).replace("-", " ")
        return spaced if name.isupper() else spaced.lower()
    return name


@dataclass
class LabelTable:
    """Labels and types of every resource of one data version."""

    labels: dict[str, list[tuple[str, str, str]]] = field(default_factory=lambda: defaultdict(list))
    types: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def label(self, iri: str, lang: str | None = None, fallback: str | None = None) -> str:
        """The best label of ``iri`` in ``lang`` (default: the request's), else the other, else any."""
        lang = lang or i18n.current()
        found = self.labels.get(iri)
        if found:
            for predicate in LABEL_PREDICATES:
                texts = [(text, tag) for text, tag, p in found if p == predicate]
                if texts:
                    return _pick(texts, lang)
            quotes = [text for text, _, p in found if p == QUOTE]
            if quotes:
                text = " ".join(quotes[0].split())
                short = text if len(text) <= QUOTE_LABEL_LENGTH else text[:QUOTE_LABEL_LENGTH - 1] + "…"
                return f"“{short}”"
        builtin = BUILTIN.get(iri)
        if builtin:
            return builtin.get(lang) or builtin["en"]
        return fallback if fallback is not None else humanise(iri)

    def has_label(self, iri: str) -> bool:
        return any(p != QUOTE for _, _, p in self.labels.get(iri, ()))

    def all_labels(self, iri: str) -> list[tuple[str, str, str]]:
        """Every ``(text, language, predicate)`` of ``iri``, alternative labels included (quotes not)."""
        return [entry for entry in self.labels.get(iri, ()) if entry[2] != QUOTE]

    def types_of(self, iri: str) -> list[str]:
        return list(self.types.get(iri, ()))


def _pick(texts: list[tuple[str, str]], lang: str) -> str:
    for wanted in (lang, *(other for other in i18n.LANGUAGES if other != lang), ""):
        for text, tag in texts:
            if tag == wanted:
                return text
    return texts[0][0]


def build_table() -> LabelTable:
    """Read every label and type of the current version (two queries)."""
    store = backend()
    table = LabelTable()
    for row in store.select(LABELS_QUERY):
        subject, predicate, literal = row["s"], row["p"], row["l"]
        if subject is None or literal is None or predicate is None:
            continue
        language = literal.language if isinstance(literal, Literal) and literal.language else ""
        table.labels[subject.value].append((literal.value, language, predicate.value))
    for row in store.select(TYPES_QUERY):
        if row["s"] is not None and row["c"] is not None:
            table.types[row["s"].value].append(row["c"].value)
    return table


# Our own constant IRIs in the text; the subject is bound as an RDF term (and projected, so pyoxigraph
# substitutes it).
SUBJECT_LABELS_QUERY = (
    "SELECT ?subject ?predicate ?label WHERE { ?subject ?predicate ?label . "
    "FILTER(isLiteral(?label) && ?predicate IN ("
    + ", ".join(f"<{p}>" for p in (*LABEL_PREDICATES, ALT_LABEL, QUOTE)) + ")) }"
)
SUBJECT_TYPES_QUERY = "SELECT ?subject ?class WHERE { ?subject a ?class . FILTER(isIRI(?class)) }"


class _OnDemand(dict):
    """A dict that fills a missing IRI's entry by asking the store, once (``fetch`` stores the entry)."""

    def __init__(self, fetch: Callable[[str], None]):
        super().__init__()
        self._fetch = fetch

    def get(self, key, default=None):  # type: ignore[override]
        if key not in self:
            self._fetch(key)
        return super().get(key, default)


class OnDemandLabelTable(LabelTable):
    """A label table that reads the labels and types of a resource the first time a page asks for them.

    Same choices as :class:`LabelTable` (it is one); used above ``label_table_max_triples``, where reading
    every label of the graph up front costs more than a page can wait. Entries only grow, per version.
    """

    def __init__(self) -> None:
        super().__init__(labels=_OnDemand(self._fetch), types=_OnDemand(self._fetch))

    def _fetch(self, iri: str) -> None:
        labels: list[tuple[str, str, str]] = []
        types: list[str] = []
        try:
            subject = NamedNode(iri)
        except (TypeError, ValueError):
            subject = None  # not an IRI: no labels, the fallback names it
        if subject is not None:
            store = backend()
            for row in store.select(SUBJECT_LABELS_QUERY, {"subject": subject}):
                literal, predicate = row["label"], row["predicate"]
                if isinstance(literal, Literal) and predicate is not None:
                    labels.append((literal.value, literal.language or "", predicate.value))
            types = [row["class"].value for row in store.select(SUBJECT_TYPES_QUERY, {"subject": subject})
                     if row["class"] is not None]
        # One assignment each: a concurrent fetch of the same IRI writes equal lists, never doubles them.
        dict.__setitem__(self.labels, iri, labels)
        dict.__setitem__(self.types, iri, types)


def past_limit_query(limit: int) -> str:
    """A query with a row when the graph has more than ``limit`` triples (a setting, so an int in the text)."""
    return f"SELECT ?s WHERE {{ ?s ?p ?o }} OFFSET {int(limit)} LIMIT 1"


def table() -> LabelTable:
    """The label table of the data version being served (built once per process and version).

    Read whole for graphs up to ``label_table_max_triples``; above it, filled per resource on demand.
    """
    from server.store import settings

    def build() -> LabelTable:
        # Counting every triple is a scan (1 s at 5M, in every worker): asking for the one past the limit
        # reads at most that many. The limit is a setting (an int), not a request value.
        if backend().select(past_limit_query(settings().label_table_max_triples)):
            return OnDemandLabelTable()
        return build_table()

    return per_version("labels", backend().version(), build)


def label(iri: str | NamedNode, lang: str | None = None) -> str:
    """Shortcut: the label of ``iri`` in the request's language."""
    return table().label(iri.value if isinstance(iri, NamedNode) else iri, lang)


# -- formatting ---------------------------------------------------------------------------------------

def format_number(value: Decimal | int | float | str, lang: str | None = None) -> str:
    """``585000`` -> "585.000" (nl) or "585,000" (en); decimals kept only when not zero."""
    lang = lang or i18n.current()
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    whole = number == number.to_integral_value()
    text = f"{number:,.0f}" if whole else f"{number:,.2f}"
    if lang == "nl":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def format_amount(value: Decimal | int | float | str, lang: str | None = None) -> str:
    """An amount in euro as a reader expects it: "585.000 euro"."""
    return f"{format_number(value, lang)} euro"
