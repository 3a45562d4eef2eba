"""``fundinggraph links discover``: candidate identifiers from another publisher's SPARQL endpoint, for review.

For each of our organisations and places (from ``sources/registry``) the command asks the endpoint
(Wikidata by default) for items whose ``rdfs:label`` or ``skos:altLabel`` is one of the entity's names
in Dutch, English or ``mul``, and — where a confirmed link in ``sources/links`` gives us its KBO number —
for items with that Belgian enterprise number (Wikidata ``P3376``). Each candidate gets a score from
how it matched (preferred label or alias, on our label or on an abbreviation) and from its types
(``P31``) compared with ours, and goes into a review CSV: the columns of ``sources/links/*.csv`` with
``review=candidate``, plus ``score`` and the ``query`` that found it.

It never writes to the graph or to ``sources/links``: a person checks each row, sets ``review`` to
``confirmed`` or ``rejected`` and copies it (without the two extra columns) into ``sources/links``.
Rejected rows there are not proposed again. See docs/LINKS.md.
"""

from __future__ import annotations

import argparse
import csv
import difflib
import io
import re
import time
import urllib.error
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import Literal

from fundinggraph.cli import EXIT_INVALID, _eprint, register, settings_from

DEFAULT_ENDPOINT = "https://query.wikidata.org/sparql"
USER_AGENT = "fundinggraph-link-discovery/0.1 (Flemish economic-policy funding graph; review tool)"
WIKIDATA_ENTITY = "http://www.wikidata.org/entity/"
COLUMNS = ("entity", "relation", "iri", "scheme", "identifier", "source", "review", "score", "query")

#: Words in the English labels of a candidate's types (P31) that fit each of our classes.
TYPE_HINTS: dict[str, tuple[str, ...]] = {
    "Agency": ("agency", "authority", "government", "public body"),
    "Department": ("department", "ministry", "government"),
    "Government": ("government", "region", "state", "authority"),
    "GovernmentBody": ("government", "public", "agency", "authority", "organization"),
    "AdvisoryCouncil": ("council", "advisory", "board"),
    "Parliament": ("parliament", "legislature", "assembly"),
    "PublicInvestmentCompany": ("investment", "company", "enterprise", "holding", "fund"),
    "ListedCompany": ("company", "business", "enterprise", "private equity", "investment"),
    "Fund": ("fund", "investment"),
    "JointVenture": ("joint venture", "company", "business"),
    "KnowledgeInstitution": ("research", "institute", "university", "laboratory", "centre", "center"),
    "EducationInstitution": ("school", "university", "college", "education", "academy"),
    "BusinessOrganisation": ("association", "federation", "organization", "employers", "chamber"),
    "Financier": ("company", "cooperative", "bank", "fund", "investment", "business"),
    "Company": ("company", "business", "enterprise"),
    "NonProfitOrganisation": ("non-profit", "nonprofit", "organization", "association", "foundation"),
    "ClusterOrganisation": ("cluster", "organization", "association", "network"),
    "SpearheadCluster": ("cluster", "organization", "association"),
    "InnovativeBusinessNetwork": ("cluster", "network", "organization", "association"),
    "StructuralPartner": ("organization", "association", "institute", "company", "non-profit"),
    "place": ("province", "region", "federated state", "administrative"),
    "organisation": ("organization", "organisation", "company", "agency", "institution", "association"),
}
#: Types that say a candidate is not an organisation or place at all.
WRONG_TYPES = ("human", "family name", "given name", "album", "film", "song", "musical group", "band",
               "taxon", "disambiguation", "wikimedia", "scholarly article", "television", "video game",
               "fictional", "asteroid", "gene", "protein")

#: Words in a candidate's types or descriptions that place it outside Belgium (our entities are Flemish).
FOREIGN = ("netherlands", "nederland", "germany", "duitsland", "france", "frankrijk", "united kingdom",
           "verenigd koninkrijk", "united states", "verenigde staten", "luxembourg")

RELATION = "owl:sameAs"


@dataclass
class Target:
    """One of our entities and what we know to look for."""

    key: str  # organisation/vlaio
    kind: str
    label: dict[str, str]
    names: list[str]
    types: list[str]
    kbo: list[str] = field(default_factory=list)


@dataclass
class Candidate:
    target: Target
    iri: str
    how: str  # label, altLabel, P3376
    matched: str
    labels: set[str] = field(default_factory=set)
    descriptions: set[str] = field(default_factory=set)
    types: set[str] = field(default_factory=set)
    kbo: set[str] = field(default_factory=set)
    score: float = 0.0


class EndpointError(Exception):
    """The endpoint could not be asked; the message names it and the network or HTTP error."""


# -- what we look for --------------------------------------------------------------------------------
def targets(settings, kinds: tuple[str, ...], only: tuple[str, ...]) -> list[Target]:
    """Our entities of ``kinds`` (all, or the ``only`` ids), with their names and known KBO numbers."""
    from loaders.links import read_links
    from loaders.registry import load_registry

    registry = load_registry(settings.sources_dir / "registry")
    rows = read_links(settings.sources_dir / "links")
    kbo: dict[str, list[str]] = {}
    for row in rows:
        if row.review == "confirmed" and re.fullmatch(r"\d{10}", row.identifier) and \
                ("onderneming" in row.iri or "CbeRegisteredEntity" in row.iri):
            kbo.setdefault(row.entity, []).append(row.identifier)
    out = []
    for kind in kinds:
        for entity in sorted(registry.of_kind(kind), key=lambda e: e.id):
            key = f"{kind}/{entity.id}"
            if only and key not in only and entity.id not in only:
                continue
            out.append(Target(key, kind, dict(entity.label), entity.names, list(entity.types), kbo.get(key, [])))
    return out


def known(settings) -> tuple[set[tuple[str, str]], set[str]]:
    """(entity, IRI) pairs already reviewed (confirmed or rejected), and entities with a confirmed Wikidata link."""
    from loaders.links import read_links

    reviewed, linked = set(), set()
    for row in read_links(settings.sources_dir / "links"):
        if row.review in ("confirmed", "rejected"):
            reviewed.add((row.entity, row.iri))
        if row.review == "confirmed" and row.iri.startswith(WIKIDATA_ENTITY):
            linked.add(row.entity)
    return reviewed, linked


# -- the query ----------------------------------------------------------------------------------------
QUERY = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <http://schema.org/>
PREFIX wdt: <http://www.wikidata.org/prop/direct/>
SELECT DISTINCT ?item ?how ?matched ?label ?description ?typeLabel ?kbo WHERE {
  { VALUES ?name { %(names)s }
    { ?item rdfs:label ?name BIND("label" AS ?how) } UNION { ?item skos:altLabel ?name BIND("altLabel" AS ?how) }
    BIND(STR(?name) AS ?matched) }
  %(kbo_part)s
  OPTIONAL { ?item rdfs:label ?label FILTER(LANG(?label) IN ("nl", "en", "mul")) }
  OPTIONAL { ?item schema:description ?description FILTER(LANG(?description) IN ("nl", "en")) }
  OPTIONAL { ?item wdt:P31 ?type . ?type rdfs:label ?typeLabel FILTER(LANG(?typeLabel) = "en") }
  OPTIONAL { ?item wdt:P3376 ?kbo }
} LIMIT 500"""

KBO_PART = """UNION { VALUES ?number { %(numbers)s } ?item wdt:P3376 ?number BIND("P3376" AS ?how)
    BIND(STR(?number) AS ?matched) }"""


def query_for(target: Target, languages: tuple[str, ...]) -> str:
    """The SPARQL query for one entity; every value is a literal written by pyoxigraph (escaped)."""
    names = " ".join(str(Literal(name, language=lang)) for name in target.names for lang in languages)
    kbo_part = ""
    if target.kbo:
        numbers = []
        for number in target.kbo:
            # Wikidata writes enterprise numbers with dots (0202.239.951); accept both forms.
            numbers += [number, f"{number[:4]}.{number[4:7]}.{number[7:]}"]
        kbo_part = KBO_PART % {"numbers": " ".join(str(Literal(n)) for n in numbers)}
    return QUERY % {"names": names, "kbo_part": kbo_part}


def ask(endpoint: str, query: str, timeout: float) -> list[dict[str, dict[str, str]]]:
    """Run ``query`` on ``endpoint`` with SPARQLWrapper; the result bindings.

    :raises EndpointError: naming the endpoint and what went wrong.
    """
    from SPARQLWrapper import JSON, POST, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    client = SPARQLWrapper(endpoint, agent=USER_AGENT)
    client.setQuery(query)
    client.setMethod(POST)
    client.setReturnFormat(JSON)
    client.setTimeout(int(max(1, timeout)))
    try:
        result = client.queryAndConvert()
    except urllib.error.HTTPError as exc:
        raise EndpointError(f"SPARQL endpoint {endpoint} answered HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        raise EndpointError(f"cannot reach SPARQL endpoint {endpoint}: {exc.reason}") from None
    except TimeoutError:
        raise EndpointError(f"SPARQL endpoint {endpoint} did not answer within {timeout:g} s") from None
    except (OSError, SPARQLWrapperException) as exc:
        raise EndpointError(f"SPARQL endpoint {endpoint} failed: {exc}") from None
    if not isinstance(result, dict) or "results" not in result:
        raise EndpointError(f"SPARQL endpoint {endpoint} did not answer with SPARQL JSON results")
    return result["results"]["bindings"]


# -- scoring ------------------------------------------------------------------------------------------
def _norm(text: str) -> str:
    from loaders.registry import normalise_name

    return normalise_name(text)


def name_score(candidate: Candidate) -> float:
    """How much the matched name says: our preferred label beats an alias, a short abbreviation says little."""
    if candidate.how == "P3376":
        return 1.0
    target = candidate.target
    ours = _norm(candidate.matched)
    preferred = {_norm(v) for v in target.label.values()}
    score = 1.0 if ours in preferred else 0.85
    if len(ours.replace(" ", "")) <= 5:  # VLAIO, FIT, PMV: many things share an abbreviation
        score -= 0.25
    elif ours not in preferred and any(ours in p for p in preferred):  # "Limburg" for "Provincie Limburg"
        score -= 0.15
    if candidate.how == "altLabel":
        score -= 0.1
    # Their preferred labels compared with ours (a matched alias on an item called something else).
    if candidate.labels and preferred:
        best = max(difflib.SequenceMatcher(None, _norm(a), b).ratio() for a in candidate.labels for b in preferred)
        score = 0.75 * score + 0.25 * best
    return max(0.0, min(1.0, score))


def type_score(candidate: Candidate) -> float:
    """1 when a type fits our class, 0 when it is something else entirely, 0.1 when abroad, 0.5 when unknown."""
    types = {t.lower() for t in candidate.types}
    if any(word in text.lower() for text in (*types, *candidate.descriptions) for word in FOREIGN):
        return 0.1
    if not types:
        return 0.5
    if any(bad in t for t in types for bad in WRONG_TYPES):
        return 0.0
    hints = [w for name in (*candidate.target.types, candidate.target.kind) for w in TYPE_HINTS.get(name, ())]
    return 1.0 if any(h in t for t in types for h in hints) else 0.35


def score(candidate: Candidate) -> float:
    """0..1: an enterprise-number match is decisive, otherwise names (65 %) and types (35 %)."""
    if candidate.how == "P3376" or (candidate.target.kbo and candidate.kbo & _kbo_forms(candidate.target.kbo)):
        return 1.0
    return round(0.65 * name_score(candidate) + 0.35 * type_score(candidate), 3)


def _kbo_forms(numbers: list[str]) -> set[str]:
    return {form for n in numbers for form in (n, f"{n[:4]}.{n[4:7]}.{n[7:]}")}


def candidates_from(target: Target, bindings: list[dict[str, dict[str, str]]]) -> list[Candidate]:
    """Group result rows by item (the best way each item matched)."""
    rank = {"P3376": 0, "label": 1, "altLabel": 2}
    found: dict[str, Candidate] = {}
    for row in bindings:
        item = row.get("item", {}).get("value")
        if not item:
            continue
        how = row.get("how", {}).get("value", "label")
        candidate = found.get(item)
        if candidate is None or rank.get(how, 3) < rank.get(candidate.how, 3):
            previous = candidate
            candidate = Candidate(target, item, how, row.get("matched", {}).get("value", ""))
            if previous is not None:
                candidate.labels, candidate.descriptions = previous.labels, previous.descriptions
                candidate.types, candidate.kbo = previous.types, previous.kbo
            found[item] = candidate
        for key, bucket in (("label", candidate.labels), ("description", candidate.descriptions),
                            ("typeLabel", candidate.types), ("kbo", candidate.kbo)):
            if key in row:
                bucket.add(row[key]["value"])
    out = list(found.values())
    for candidate in out:
        candidate.score = score(candidate)
    return sorted(out, key=lambda c: (-c.score, c.iri))


def _identifier(iri: str) -> str:
    return iri[len(WIKIDATA_ENTITY):] if iri.startswith(WIKIDATA_ENTITY) else iri.rstrip("/").rsplit("/", 1)[-1]


def _scheme(iri: str, endpoint: str) -> str:
    return "Wikidata" if iri.startswith(WIKIDATA_ENTITY) else f"items of {endpoint}"


def row_for(candidate: Candidate, endpoint: str, query: str, when: str) -> dict[str, str]:
    """One review row: the columns of sources/links plus score and query."""
    what = {"P3376": "Belgian enterprise number (P3376)", "label": "label", "altLabel": "alias (skos:altLabel)"}
    detail = f"{what.get(candidate.how, candidate.how)} {candidate.matched!r}"
    if candidate.labels:
        detail += f"; item labels {', '.join(sorted(candidate.labels)[:3])}"
    if candidate.types:
        detail += f"; types {', '.join(sorted(candidate.types)[:3])}"
    if candidate.descriptions:
        detail += f"; {sorted(candidate.descriptions)[0]}"
    return {
        "entity": candidate.target.key,
        "relation": RELATION,
        "iri": candidate.iri,
        "scheme": _scheme(candidate.iri, endpoint),
        "identifier": _identifier(candidate.iri),
        "source": f"link discovery {when} at {endpoint}: {detail}",
        "review": "candidate",
        "score": f"{candidate.score:.3f}",
        "query": " ".join(query.split()),
    }


# -- the command ----------------------------------------------------------------------------------------
def discover(settings, endpoint: str, kinds: tuple[str, ...], only: tuple[str, ...], languages: tuple[str, ...],
             min_score: float, per_entity: int, timeout: float, delay: float,
             progress=lambda _m: None) -> list[dict[str, str]]:
    """Review rows for every entity (best candidates first).

    :raises EndpointError: on the first query the endpoint does not answer.
    """
    reviewed, linked = known(settings)
    when = time.strftime("%Y-%m-%d", time.gmtime())
    rows: list[dict[str, str]] = []
    chosen = [t for t in targets(settings, kinds, only) if t.key not in linked]
    for number, target in enumerate(chosen, 1):
        query = query_for(target, languages)
        found = candidates_from(target, ask(endpoint, query, timeout))
        kept = [c for c in found if c.score >= min_score and (target.key, c.iri) not in reviewed][:per_entity]
        progress(f"[{number}/{len(chosen)}] {target.key}: {len(found)} item(s), {len(kept)} kept")
        rows += [row_for(c, endpoint, query, when) for c in kept]
        if delay and number < len(chosen):
            time.sleep(delay)  # be gentle with public endpoints
    return rows


def write_review(rows: list[dict[str, str]], out: Path) -> None:
    """Write the review CSV atomically (complete or not at all)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(buffer.getvalue(), encoding="utf-8")
    tmp.replace(out)


@register("links", "find candidate links to other publishers' identifiers for review (never writes the graph)")
def cmd_links(args: argparse.Namespace) -> int:
    """Find candidate identifiers for our organisations and places at a SPARQL endpoint (Wikidata by
    default) and write them to a review CSV; nothing enters the graph until a person confirms a row
    in sources/links/.
    """
    settings = settings_from(args)
    out = Path(args.out) if args.out else settings.data_dir / "links" / "candidates.csv"
    links_dir = (settings.sources_dir / "links").resolve()
    if out.resolve().is_relative_to(links_dir):
        _eprint(f"error: the review file must not go into {links_dir}: review the candidates first, then copy "
                "confirmed rows there yourself")
        return EXIT_INVALID
    kinds = tuple(args.kind or ("organisation", "place"))
    languages = tuple(x.strip() for x in args.languages.split(",") if x.strip())

    def progress(message: str) -> None:
        if not args.quiet:
            _eprint(message)

    try:
        rows = discover(settings, args.endpoint, kinds, tuple(args.entity or ()), languages, args.min_score,
                        args.per_entity, args.timeout, args.delay, progress)
    except EndpointError as exc:
        _eprint(f"error: {exc}")
        _eprint("no review file was written")
        return EXIT_INVALID
    write_review(rows, out)
    entities = len({r["entity"] for r in rows})
    print(f"{len(rows)} candidate(s) for {entities} entit{'y' if entities == 1 else 'ies'} written to {out}")
    print("review each row: set review to confirmed or rejected, then copy it (without score and query) "
          "into sources/links/")
    return 0


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["discover"], help="discover: query an endpoint for candidates")
    parser.add_argument("--endpoint", default=DEFAULT_ENDPOINT, help=f"SPARQL endpoint (default {DEFAULT_ENDPOINT})")
    parser.add_argument("--out", help="review CSV to write (default <data_dir>/links/candidates.csv)")
    parser.add_argument("--kind", action="append", choices=["organisation", "place"],
                        help="entity kinds to look up (repeatable; default both)")
    parser.add_argument("--entity", action="append", help="only this entity (registry id or kind/id; repeatable)")
    parser.add_argument("--languages", default="nl,en,mul", help="label languages to match (default nl,en,mul)")
    parser.add_argument("--min-score", type=float, default=0.5, help="drop candidates scoring below (default 0.5)")
    parser.add_argument("--per-entity", type=int, default=3, help="best candidates kept per entity (default 3)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per query (default 60)")
    parser.add_argument("--delay", type=float, default=0.5, help="seconds between queries (default 0.5)")
    parser.add_argument("--quiet", action="store_true", help="no progress messages")


cmd_links.configure = _configure  # type: ignore[attr-defined]
