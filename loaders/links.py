"""Links to other publishers' identifiers: reviewed rows of ``sources/links/*.csv``, never guesses.

Each row names one of our entities (``organisation/vlaio``, ``place/provincie-limburg``,
``document/<slug>``), the link property, the other publisher's IRI, the identifier, where it was read
and its review status. Only ``confirmed`` rows enter the graph; candidates found by
``fundinggraph links discover`` go to a review file first. Why each property:

* ``owl:sameAs`` — the other IRI denotes the same organisation (Wegwijs OVO register, KBO enterprise).
* ``skos:exactMatch`` — the other IRI is an entry of an official code list used as a classification
  value (EU NUTS regions for our places, OSLO/register concepts for our policy domains); a mapping,
  not an identity that would merge both descriptions.
* ``foaf:page`` / ``rdfs:seeAlso`` — a web page or machine-readable record *about* a document.

Every link is reified (``fg:Link``, an ``rdf:Statement``) with ``dcterms:source`` saying where the
identifier was read.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import Literal, NamedNode

from fundinggraph.namespaces import ADMS, DCTERMS, FG, FOAF, OWL, RDF, RDFS, SKOS
from loaders.graph import GraphBuilder, short_hash
from loaders.registry import KINDS, Registry
from loaders.sourcetext import SourceError, SourceSet

RELATIONS: dict[str, NamedNode] = {
    "owl:sameAs": OWL.sameAs,
    "skos:exactMatch": SKOS.exactMatch,
    "skos:closeMatch": SKOS.closeMatch,
    "rdfs:seeAlso": RDFS.seeAlso,
    "foaf:page": FOAF.page,
}

#: IRI patterns of the publishers we link to (from shared/links/README.md); a row whose IRI does not
#: fit its scheme is refused, so a typo cannot become a wrong identifier.
SCHEME_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("Wegwijs", re.compile(r"https://data\.vlaanderen\.be/id/organisatie/OVO\d{6}")),
    ("KBO", re.compile(r"https://data\.vlaanderen\.be/id/onderneming/\d{10}")),
    ("BELGIF", re.compile(r"https://org\.belgif\.be/id/CbeRegisteredEntity/\d{10}")),
    ("NUTS", re.compile(r"http://data\.europa\.eu/nuts/code/[A-Z]{2}[0-9A-Z]{0,3}")),
    ("Wikidata", re.compile(r"http://www\.wikidata\.org/entity/Q\d+")),
    ("Vlaams Parlement", re.compile(r"https://(www\.vlaamsparlement\.be/parlementaire-documenten/schriftelijke-vragen/\d+"
                                    r"|docs\.vlaamsparlement\.be/pfile\?id=\d+|ws\.vlpar\.be/e/opendata/schv/\d+)")),
]

COLUMNS = ("entity", "relation", "iri", "scheme", "identifier", "source", "review")


@dataclass(frozen=True)
class LinkRow:
    path: Path
    line: int
    entity: str
    relation: str
    iri: str
    scheme: str
    identifier: str
    source: str
    review: str


def read_links(directory: Path) -> list[LinkRow]:
    """Read every CSV in ``directory``.

    :raises SourceError: naming file and line of a malformed row.
    """
    rows: list[LinkRow] = []
    for path in sorted(directory.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            if tuple(reader.fieldnames or ()) != COLUMNS:
                raise SourceError(path, 1, f"columns must be {','.join(COLUMNS)}")
            for record in reader:
                line = reader.line_num
                if None in record or any(record[c] is None for c in COLUMNS):
                    raise SourceError(path, line, "wrong number of fields")
                row = LinkRow(path, line, *(record[c].strip() for c in COLUMNS))
                _check(row)
                rows.append(row)
    return rows


def _check(row: LinkRow) -> None:
    if row.relation not in RELATIONS:
        raise SourceError(row.path, row.line, f"relation {row.relation!r} not one of {sorted(RELATIONS)}")
    if row.review not in ("confirmed", "candidate", "rejected"):
        raise SourceError(row.path, row.line, f"review must be confirmed, candidate or rejected, not {row.review!r}")
    matching = [name for name, pattern in SCHEME_PATTERNS if pattern.fullmatch(row.iri)]
    if not matching:
        raise SourceError(row.path, row.line, f"IRI {row.iri!r} does not fit any known publisher's pattern")
    if row.identifier and row.identifier not in row.iri:
        raise SourceError(row.path, row.line, f"identifier {row.identifier!r} does not occur in the IRI")
    if not row.source:
        raise SourceError(row.path, row.line, "every link needs a source (where the identifier was read)")


def _subject(row: LinkRow, g: GraphBuilder, sources: SourceSet, registry: Registry) -> NamedNode:
    kind, _, ident = row.entity.partition("/")
    if kind == "document":
        if not any(doc.slug == ident for doc in sources.documents):
            raise SourceError(row.path, row.line, f"no source document with slug {ident!r}")
        return g.data.id("document", ident)
    if kind not in KINDS:
        raise SourceError(row.path, row.line, f"entity kind {kind!r} not one of document, {', '.join(KINDS)}")
    try:
        return registry.get(kind, ident).iri(g.data)
    except KeyError as exc:
        raise SourceError(row.path, row.line, str(exc.args[0])) from None


def contribute(g: GraphBuilder, sources: SourceSet, registry: Registry) -> None:
    """Add every confirmed link with its reified provenance."""
    for row in read_links(sources.root / "links"):
        if row.review != "confirmed":
            continue
        subject = _subject(row, g, sources, registry)
        prop = RELATIONS[row.relation]
        target = NamedNode(row.iri)
        g.add(subject, prop, target)
        node = g.iri("link", short_hash(subject.value, prop.value, row.iri))
        g.typed(node, RDF.Statement, FG.Link)
        g.add(node, RDF.subject, subject)
        g.add(node, RDF.predicate, prop)
        g.add(node, RDF.object, target)
        g.add(node, DCTERMS.source, Literal(row.source))
        g.add(node, FG.identifierScheme, Literal(row.scheme))
        g.add(node, FG.reviewStatus, Literal(row.review))
        if row.identifier and row.relation == "owl:sameAs":
            ident = g.iri("identifier", re.sub(r"[^a-z0-9]+", "-", row.identifier.lower()).strip("-"))
            g.add(subject, ADMS.identifier, ident)
            g.typed(ident, ADMS.Identifier)
            g.add(ident, SKOS.notation, Literal(row.identifier))
            g.add(ident, ADMS.schemeAgency, Literal(row.scheme))
        if row.identifier:
            g.add(node, FG.identifier, Literal(row.identifier))
