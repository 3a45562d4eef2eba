"""One IRI per real-world thing: the entity registry with its alias table (``sources/registry/*.yaml``).

Every name variant found in the sources (``Microstart`` / ``MicroStart Support`` / ``microStart``)
resolves to one entity and is kept as ``skos:altLabel``. An alias claimed by two entities stops the load
with an error naming both files and lines. Entity kinds beyond the generic base class must carry
evidence: an exact quote from a source document.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyoxigraph import Literal, NamedNode

from fundinggraph.namespaces import FG, FOAF, ORG, PREFIXES, RDF, RDFS, SKOS, DataNamespace, concept
from loaders.graph import GraphBuilder
from loaders.sourcetext import Excerpt, SourceError, SourceSet
from loaders.yamlsource import line_of, read_yaml

#: Registry kind -> (IRI path segment, base class that needs no evidence).
KINDS: dict[str, tuple[str, NamedNode]] = {
    "organisation": ("organisation", ORG.Organization),
    "person": ("person", FOAF.Person),
    "post": ("post", ORG.Post),
    "instrument": ("instrument", FG.PolicyInstrument),
    "place": ("place", FG.Place),
    "contract": ("contract", FG.PublicContract),
    "group": ("group", FG.RecipientGroup),
}

ENTRY_KEYS = {
    "id", "kind", "types", "label", "aliases", "scan", "evidence", "description", "policyDomain",
    "theme", "instrumentKind", "unscanned_aliases", "__line__",
}


def normalise_name(name: str) -> str:
    """Key for alias lookup: case-, accent-, apostrophe- and whitespace-insensitive."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    text = text.replace("`", "'")
    return " ".join(text.casefold().split())


def resolve_class(name: str) -> NamedNode:
    """``"Agency"`` -> ``fg:Agency``; ``"org:FormalOrganization"`` -> the ORG class."""
    if ":" in name:
        prefix, local = name.split(":", 1)
        if prefix not in PREFIXES:
            raise KeyError(f"unknown prefix {prefix!r} in {name!r}")
        return NamedNode(PREFIXES[prefix] + local)
    return FG.term(name)


@dataclass
class Entity:
    id: str
    kind: str
    label: dict[str, str]
    aliases: list[str]
    types: list[str] = field(default_factory=list)
    evidence: list[dict[str, Any]] = field(default_factory=list)
    scan: bool = True
    unscanned_aliases: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    file: Path | None = None
    line: int | None = None

    def iri(self, data: DataNamespace) -> NamedNode:
        return data.id(KINDS[self.kind][0], self.id)

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"

    @property
    def names(self) -> list[str]:
        """Every written form: labels first, then aliases, without duplicates."""
        seen: dict[str, None] = {}
        for name in [*self.label.values(), *self.aliases, *self.unscanned_aliases]:
            seen.setdefault(name, None)
        return list(seen)


class RegistryError(SourceError):
    """A registry entry is inconsistent (duplicate id or alias, unknown kind, missing evidence)."""


@dataclass
class Registry:
    entities: dict[tuple[str, str], Entity]
    _index: dict[str, Entity]

    def get(self, kind: str, id: str) -> Entity:
        try:
            return self.entities[(kind, id)]
        except KeyError:
            raise KeyError(f"no {kind} with id {id!r} in sources/registry") from None

    def resolve(self, name: str, kind: str | None = None) -> Entity:
        """The entity named ``name`` (an id or any alias), optionally of one kind.

        :raises KeyError: with a message naming what was looked up.
        """
        if kind and (kind, name) in self.entities:
            return self.entities[(kind, name)]
        entity = self._index.get(normalise_name(name))
        if entity is None and kind is None:
            matches = [e for (k, i), e in self.entities.items() if i == name]
            if len(matches) == 1:
                return matches[0]
        if entity is None or (kind and entity.kind != kind):
            raise KeyError(f"no {kind or 'entity'} named {name!r} in sources/registry")
        return entity

    def iri(self, name: str, data: DataNamespace, kind: str | None = None) -> NamedNode:
        return self.resolve(name, kind).iri(data)

    def __len__(self) -> int:
        return len(self.entities)

    def of_kind(self, kind: str) -> list[Entity]:
        return [e for (k, _), e in self.entities.items() if k == kind]


def load_registry(directory: Path) -> Registry:
    """Read every ``*.yaml`` in ``directory`` and build the alias index.

    :raises RegistryError: naming file and line of the first inconsistency.
    """
    entities: dict[tuple[str, str], Entity] = {}
    index: dict[str, Entity] = {}
    for path in sorted(directory.glob("*.yaml")):
        data = read_yaml(path)
        items = data.get("entities") if isinstance(data, dict) else None
        if not isinstance(items, list):
            raise RegistryError(path, 1, "expected a mapping with an 'entities' list")
        for raw in items:
            entity = _entity(path, raw)
            key = (entity.kind, entity.id)
            if key in entities:
                other = entities[key]
                raise RegistryError(path, entity.line, f"duplicate {entity.kind} id {entity.id!r} (also at {other.where})")
            entities[key] = entity
            for name in entity.names:
                norm = normalise_name(name)
                owner = index.get(norm)
                if owner is not None and owner is not entity:
                    raise RegistryError(
                        path,
                        entity.line,
                        f"alias {name!r} of {entity.kind} {entity.id!r} is already an alias of "
                        f"{owner.kind} {owner.id!r} ({owner.where})",
                    )
                index[norm] = entity
    return Registry(entities, index)


def _entity(path: Path, raw: Any) -> Entity:
    line = line_of(raw)
    if not isinstance(raw, dict):
        raise RegistryError(path, line, "each entity must be a mapping")
    unknown = set(raw) - ENTRY_KEYS
    if unknown:
        raise RegistryError(path, line, f"unknown keys {sorted(unknown)}")
    for required in ("id", "kind", "label"):
        if required not in raw:
            raise RegistryError(path, line, f"entity lacks '{required}'")
    kind = raw["kind"]
    if kind not in KINDS:
        raise RegistryError(path, line, f"unknown kind {kind!r}; one of {sorted(KINDS)}")
    ident = str(raw["id"])
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", ident):
        raise RegistryError(path, line, f"id {ident!r} must be a slug (a-z, 0-9, single dashes)")
    label = raw["label"]
    if isinstance(label, str):
        label = {"nl": label}
    if not isinstance(label, dict) or "nl" not in label:
        raise RegistryError(path, line, "label must be a string or a mapping with at least 'nl'")
    for lang, text in label.items():
        if lang != "__line__" and not isinstance(text, str):
            raise RegistryError(path, line, f"label {lang!r} is not text (quote values with commas): {text!r}")
    for alias in [*(raw.get("aliases") or []), *(raw.get("unscanned_aliases") or [])]:
        if not isinstance(alias, str) or not alias.strip():
            raise RegistryError(path, line, f"alias {alias!r} is not a non-empty text")
    types = raw.get("types") or []
    for t in types:
        try:
            resolve_class(t)
        except KeyError as exc:
            raise RegistryError(path, line, str(exc)) from None
    evidence = raw.get("evidence") or []
    if types and not evidence:
        raise RegistryError(path, line, f"{ident}: types {types} need 'evidence' (doc, line, quote)")
    for ev in evidence:
        if not isinstance(ev, dict) or not {"doc", "line", "quote"} <= set(ev):
            raise RegistryError(path, line_of(ev) or line, "evidence needs doc, line and quote")
    extra = {k: raw[k] for k in ("description", "policyDomain", "theme", "instrumentKind") if k in raw}
    return Entity(
        id=ident,
        kind=kind,
        label={k: v for k, v in label.items() if k != "__line__"},
        aliases=[str(a) for a in raw.get("aliases") or []],
        types=list(types),
        evidence=list(evidence),
        scan=bool(raw.get("scan", True)),
        unscanned_aliases=[str(a) for a in raw.get("unscanned_aliases") or []],
        extra=extra,
        file=path,
        line=line,
    )


def evidence_excerpt(sources: SourceSet, ev: dict[str, Any], where: Path, line: int | None) -> Excerpt:
    """The excerpt an evidence entry points at.

    :raises SourceError: if the document is unknown or the quote is not in the given lines.
    """
    try:
        doc = sources.by_key(str(ev["doc"]))
    except KeyError:
        raise SourceError(where, line_of(ev) or line, f"unknown document key {ev['doc']!r}") from None
    start = int(ev["line"])
    end = int(ev.get("end", start))
    try:
        return doc.excerpt(start, end, str(ev["quote"]))
    except SourceError as exc:
        raise SourceError(where, line_of(ev) or line, f"evidence: {exc}") from None


#: At most this many mention excerpts per entity and document (the first ones).
MAX_MENTIONS_PER_DOCUMENT = 40


def contribute(g: GraphBuilder, sources: SourceSet, registry: Registry) -> None:
    """Labels, kinds (with evidence) and document mentions of every registry entity."""
    for entity in registry.entities.values():
        node = entity.iri(g.data)
        g.add(node, RDF.type, KINDS[entity.kind][1])
        for lang, text in entity.label.items():
            g.add(node, SKOS.prefLabel, Literal(text, language=lang))
            g.add(node, RDFS.label, Literal(text, language=lang))
        for alias in [*entity.aliases, *entity.unscanned_aliases]:
            if alias not in entity.label.values():
                g.add(node, SKOS.altLabel, Literal(alias))
        excerpts = [evidence_excerpt(sources, ev, entity.file or Path("?"), entity.line) for ev in entity.evidence]
        for t in entity.types:
            g.claim(node, RDF.type, resolve_class(t), *excerpts)
        if "policyDomain" in entity.extra:
            for code in _as_list(entity.extra["policyDomain"]):
                g.claim(node, FG.policyDomain, concept("policy-domain", code), *excerpts)
        if "theme" in entity.extra:
            for code in _as_list(entity.extra["theme"]):
                g.claim(node, FG.theme, concept("theme", code), *excerpts)
        if "instrumentKind" in entity.extra:
            for code in _as_list(entity.extra["instrumentKind"]):
                g.claim(node, FG.instrumentKind, concept("instrument-kind", code), *excerpts)
        description = entity.extra.get("description")
        if isinstance(description, dict):
            for lang, text in description.items():
                if lang != "__line__":
                    g.add(node, RDFS.comment, Literal(str(text), language=lang))
    _mentions(g, sources, registry)


def _as_list(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _mentions(g: GraphBuilder, sources: SourceSet, registry: Registry) -> None:
    by_name: dict[str, Entity] = {}
    for entity in registry.entities.values():
        if not entity.scan:
            continue
        for name in [*entity.label.values(), *entity.aliases]:
            if len(name) >= 3:
                by_name.setdefault(name, entity)
    if not by_name:
        return
    names = sorted(by_name, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w@])(?:" + "|".join(re.escape(n) for n in names) + r")(?![\w@])")
    for doc in sources.documents:
        doc_node = g.document(doc)
        found: dict[str, list[Excerpt]] = {}
        for number, text in enumerate(doc.lines, start=1):
            for match in pattern.finditer(text):
                entity = by_name[match.group(0)]
                bucket = found.setdefault(entity.kind + "/" + entity.id, [])
                if len(bucket) < MAX_MENTIONS_PER_DOCUMENT:
                    bucket.append(Excerpt(doc, number, number, match.group(0)))
        for key, excerpts in found.items():
            kind, ident = key.split("/", 1)
            entity = registry.entities[(kind, ident)]
            g.claim(entity.iri(g.data), FG.mentionedIn, doc_node, *excerpts)
