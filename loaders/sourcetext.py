"""Source documents as exact text with 1-based line access, and errors that name file and line.

Every figure in the graph quotes the exact text it came from; :meth:`SourceDocument.excerpt` refuses a
quote that does not occur in the given line span, so a wrong quote can never enter the graph.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import yaml


class SourceError(Exception):
    """Bad source input. ``str()`` reads ``path:line: message`` like a compiler error."""

    def __init__(self, path: Path | str, line: int | None, message: str):
        self.path = Path(path)
        self.line = line
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = _display_path(self.path)
        return f"{where}:{self.line}: {self.message}" if self.line else f"{where}: {self.message}"


def _display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


@dataclass(frozen=True)
class Excerpt:
    """An exact quote from a document, within lines ``start``..``end`` (1-based, inclusive)."""

    document: SourceDocument
    start: int
    end: int
    quote: str

    @property
    def key(self) -> str:
        digest = hashlib.sha256(self.quote.encode("utf-8")).hexdigest()[:10]
        return f"{self.start}-{self.end}-{digest}"


@dataclass(frozen=True)
class SourceDocument:
    """One source file: its manifest entry, exact text and lines."""

    path: Path
    key: str  #: stable short key, e.g. ``"001"`` (file name prefix)
    slug: str  #: IRI slug of the document resource, e.g. ``schriftelijke-vraag-407-2024``
    kind: str  #: ``written-question`` or ``speurgids``
    text: str
    sha256: str
    meta: dict = field(default_factory=dict, hash=False, compare=False)

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")

    @property
    def line_count(self) -> int:
        return len(self.lines)

    def line(self, number: int) -> str:
        """Line ``number`` (1-based)."""
        if not 1 <= number <= self.line_count:
            raise SourceError(self.path, None, f"line {number} out of range 1..{self.line_count}")
        return self.lines[number - 1]

    def span(self, start: int, end: int) -> str:
        """Exact text of lines ``start``..``end`` joined with newlines."""
        if not 1 <= start <= end <= self.line_count:
            raise SourceError(self.path, start, f"bad line span {start}..{end} (file has {self.line_count})")
        return "\n".join(self.lines[start - 1 : end])

    def excerpt(self, start: int, end: int | None = None, quote: str | None = None) -> Excerpt:
        """The excerpt of lines ``start``..``end`` with ``quote`` (default: the whole span, stripped).

        :raises SourceError: if the quote does not occur in that span.
        """
        end = start if end is None else end
        text = self.span(start, end)
        if quote is None:
            quote = text.strip()
        if not quote or quote not in text:
            raise SourceError(self.path, start, f"quote not found in lines {start}..{end}: {quote!r}")
        return Excerpt(self, start, end, quote)

    def find(self, quote: str, after: int = 1, before: int | None = None) -> Excerpt:
        """Locate ``quote`` (may span lines) at or after line ``after``; the first match wins.

        :raises SourceError: if it does not occur.
        """
        lines = self.lines
        start_offset = sum(len(line) + 1 for line in lines[: after - 1])
        limit = len(self.text) if before is None else sum(len(line) + 1 for line in lines[:before])
        pos = self.text.find(quote, start_offset)
        if pos < 0 or pos + len(quote) > limit:
            raise SourceError(self.path, after, f"quote not found: {quote!r}")
        first = self.text.count("\n", 0, pos) + 1
        last = first + quote.count("\n")
        return Excerpt(self, first, last, quote)

    def find_all(self, needle: str) -> list[Excerpt]:
        """Every occurrence of ``needle`` (single line), in order."""
        found = []
        for number, line in enumerate(self.lines, start=1):
            if needle in line:
                found.append(Excerpt(self, number, number, needle))
        return found


@dataclass(frozen=True)
class SourceSet:
    """All documents listed in ``sources/sources.yaml``."""

    root: Path
    documents: tuple[SourceDocument, ...]

    def by_key(self, key: str) -> SourceDocument:
        for doc in self.documents:
            if doc.key == key:
                return doc
        raise KeyError(key)

    def of_kind(self, kind: str) -> list[SourceDocument]:
        return [d for d in self.documents if d.kind == kind]


def read_document(path: Path, entry: dict) -> SourceDocument:
    """Read one document and check it against its manifest entry.

    :raises SourceError: on wrong encoding (naming the line of the first bad byte), a checksum that
        differs from the manifest (a truncated or edited file), or a missing file.
    """
    if not path.is_file():
        raise SourceError(path, None, "source document listed in sources.yaml does not exist")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise SourceError(path, line, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})") from None
    if text.startswith("\ufeff"):
        raise SourceError(path, 1, "starts with a byte-order mark; save as UTF-8 without BOM")
    digest = hashlib.sha256(raw).hexdigest()
    expected = entry.get("sha256")
    if expected and digest != expected:
        lines = text.count("\n") + 1
        hint = ""
        if entry.get("lines") and lines < int(entry["lines"]):
            hint = f"; it has {lines} lines where {entry['lines']} were recorded: truncated?"
        raise SourceError(
            path,
            lines,
            f"content differs from sources.yaml (sha256 {digest[:12]}… != {expected[:12]}…){hint}. "
            "If the change is intended, run `fundinggraph sources --update`.",
        )
    key = path.name.split("_", 1)[0]
    return SourceDocument(
        path=path,
        key=str(entry.get("key", key)),
        slug=str(entry["slug"]),
        kind=str(entry["kind"]),
        text=text,
        sha256=digest,
        meta={k: v for k, v in entry.items() if k not in ("file", "sha256", "slug", "kind", "key")},
    )


MANIFEST = "sources.yaml"


def load_manifest(sources_dir: Path) -> list[dict]:
    path = sources_dir / MANIFEST
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SourceError(path, None, "missing source manifest") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise SourceError(path, mark.line + 1 if mark else None, f"invalid YAML: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("documents"), list):
        raise SourceError(path, 1, "expected a mapping with a 'documents' list")
    return data["documents"]


def read_sources(sources_dir: Path) -> SourceSet:
    """Read every document of the manifest.

    :raises SourceError: naming the file (and line) of the first problem.
    """
    entries = load_manifest(sources_dir)
    docs = []
    seen: set[str] = set()
    for i, entry in enumerate(entries, start=1):
        for required in ("file", "slug", "kind"):
            if required not in entry:
                raise SourceError(sources_dir / MANIFEST, None, f"document #{i} lacks '{required}'")
        doc = read_document(sources_dir / "documents" / entry["file"], entry)
        if doc.key in seen:
            raise SourceError(sources_dir / MANIFEST, None, f"duplicate document key {doc.key!r}")
        seen.add(doc.key)
        docs.append(doc)
    return SourceSet(sources_dir, tuple(docs))
