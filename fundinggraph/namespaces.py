"""RDF namespaces used across loaders, server and queries.

Vocabulary terms (``fg:``) and the controlled vocabularies (``def/<scheme>/<code>``) have fixed IRIs.
Data resources live under the configurable base IRI: see :class:`DataNamespace`.
"""

from __future__ import annotations

import re
import unicodedata

from pyoxigraph import NamedNode

from fundinggraph.config import VOCAB_BASE


class Namespace:
    """An IRI prefix; ``NS.term`` and ``NS["term"]`` give :class:`pyoxigraph.NamedNode` terms.

    Deliberately not a ``str`` subclass: ``DCTERMS.title`` must be a term, not ``str.title``.
    """

    __slots__ = ("_iri",)

    def __init__(self, iri: str):
        self._iri = iri

    def __str__(self) -> str:
        return self._iri

    def __repr__(self) -> str:
        return f"Namespace({self._iri!r})"

    def __getattr__(self, name: str) -> NamedNode:
        if name.startswith("__"):
            raise AttributeError(name)
        return NamedNode(self._iri + name)

    def __getitem__(self, name: str) -> NamedNode:
        return NamedNode(self._iri + name)

    def term(self, name: str) -> NamedNode:
        return NamedNode(self._iri + name)


FG = Namespace(VOCAB_BASE + "#")
#: Controlled vocabularies: ``concept("amount-type", "granted")``.
DEF = Namespace(VOCAB_BASE + "/")

RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
OWL = Namespace("http://www.w3.org/2002/07/owl#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
PROV = Namespace("http://www.w3.org/ns/prov#")
ORG = Namespace("http://www.w3.org/ns/org#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
QB = Namespace("http://purl.org/linked-data/cube#")
SCHEMA = Namespace("http://schema.org/")
SH = Namespace("http://www.w3.org/ns/shacl#")
VOID = Namespace("http://rdfs.org/ns/void#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
M8G = Namespace("http://data.europa.eu/m8g/")
REGORG = Namespace("http://www.w3.org/ns/regorg#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
OBEU_DIM = Namespace("http://data.openbudgets.eu/ontology/dsd/dimension/")
OBEU_MEASURE = Namespace("http://data.openbudgets.eu/ontology/dsd/measure/")
OBEU_ATTR = Namespace("http://data.openbudgets.eu/ontology/dsd/attribute/")
OBEU_PHASE = Namespace("http://data.openbudgets.eu/resource/codelist/budget-phase/")
SDMX_ATTR = Namespace("http://purl.org/linked-data/sdmx/2009/attribute#")
INTERVAL_YEAR = Namespace("http://reference.data.gov.uk/id/year/")
OSLO_ORG = Namespace("https://data.vlaanderen.be/ns/organisatie#")
OSLO_SUBSIDIE = Namespace("http://data.vlaanderen.be/ns/subsidie#")
CURRENCY = Namespace("http://publications.europa.eu/resource/authority/currency/")
OA = Namespace("http://www.w3.org/ns/oa#")

#: Prefixes declared in every SPARQL query we write and offered to the query editor.
PREFIXES: dict[str, str] = {
    "fg": str(FG),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "owl": str(OWL),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "dcat": str(DCAT),
    "prov": str(PROV),
    "org": str(ORG),
    "foaf": str(FOAF),
    "qb": str(QB),
    "schema": str(SCHEMA),
    "m8g": str(M8G),
    "obeu-dimension": str(OBEU_DIM),
    "obeu-measure": str(OBEU_MEASURE),
    "void": str(VOID),
    "sh": str(SH),
}

#: Controlled-vocabulary schemes and their prefixes (``amount:granted``).
SCHEME_PREFIXES: dict[str, str] = {
    "amount": "amount-type",
    "ikind": "instrument-kind",
    "phase": "budget-phase",
    "credit": "credit-type",
    "domain": "policy-domain",
    "theme": "theme",
    "ptype": "partner-type",
    "unit": "count-unit",
    "assess": "assessment",
    "stype": "statement-type",
    "ctype": "condition-type",
    "lkind": "line-kind",
}
for _prefix, _scheme in SCHEME_PREFIXES.items():
    PREFIXES[_prefix] = f"{VOCAB_BASE}/{_scheme}/"


def concept(scheme: str, code: str) -> NamedNode:
    """IRI of a concept in one of our controlled vocabularies, e.g. ``concept("amount-type", "granted")``."""
    return NamedNode(f"{VOCAB_BASE}/{scheme}/{code}")


def sparql_prologue(prefixes: dict[str, str] | None = None) -> str:
    """``PREFIX`` lines for the given (default: all) prefixes."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in (prefixes or PREFIXES).items())


_SLUG_RE = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """Readable, stable IRI path segment: ``"Flanders' FOOD"`` -> ``flanders-food``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _SLUG_RE.sub("-", ascii_text.lower()).strip("-")
    if not slug:
        raise ValueError(f"cannot make a slug of {text!r}")
    return slug


class DataNamespace:
    """IRIs of data resources under a base IRI: ``<base>id/<kind>/<slug>[/<more>]``."""

    def __init__(self, base_iri: str):
        if not base_iri.endswith("/"):
            raise ValueError("base IRI must end with '/'")
        self.base = base_iri

    def id(self, kind: str, *parts: str) -> NamedNode:
        """``id("organisation", "dyzo")`` -> ``<base>id/organisation/dyzo``. Parts must be slugs already."""
        for part in (kind, *parts):
            if not part or "/" in part or part != part.strip() or any(c in part for c in ' <>"{}|\\^`#?'):
                raise ValueError(f"not an IRI path segment: {part!r}")
        return NamedNode(self.base + "id/" + "/".join((kind, *parts)))

    def graph(self, name: str) -> NamedNode:
        return NamedNode(self.base + "graph/" + name)

    def is_ours(self, iri: str) -> bool:
        return iri.startswith(self.base + "id/")
