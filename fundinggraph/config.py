"""One place for configuration: defaults, then environment variables, then explicit overrides.

Every setting has an environment variable ``FUNDINGGRAPH_<NAME>`` (upper case) and, where it matters
on the command line, a CLI flag of the same name (``--query-timeout``). Tests pass a dict.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent

#: Vocabulary namespaces are fixed: they name the ontology, not a deployment.
VOCAB_BASE = "https://fundinggraph.example.org/def"

DEFAULT_BASE_IRI = "https://fundinggraph.example.org/"


class ConfigError(ValueError):
    """A setting has a value we cannot use; the message names the setting."""


@dataclass(frozen=True)
class Settings:
    """All runtime settings. Instances are immutable; use :meth:`with_overrides`."""

    #: Base IRI of every data resource (``<base>id/organisation/dyzo``). Must end with ``/``.
    base_iri: str = DEFAULT_BASE_IRI
    #: Where versioned embedded stores live (``<data_dir>/stores/<version>``, ``<data_dir>/current``).
    data_dir: Path = PROJECT_ROOT / "var"
    #: Source documents and curated data.
    sources_dir: Path = PROJECT_ROOT / "sources"
    #: Ontology, concept schemes (every ``*.ttl`` is loaded into the graph) and SHACL shapes (``shapes*.ttl``).
    ontology_dir: Path = PROJECT_ROOT / "ontology"
    #: ``embedded`` (pyoxigraph on disk) or ``remote`` (any SPARQL 1.1 endpoint).
    backend: str = "embedded"
    #: Remote backend: query endpoint URL (SPARQL 1.1 Protocol).
    remote_query_url: str = ""
    #: Remote backend: update endpoint URL (defaults to the query URL's sibling ``/update`` for Oxigraph).
    remote_update_url: str = ""
    #: Remote backend: Graph Store Protocol endpoint (optional; used for loading when given).
    remote_store_url: str = ""
    #: Remote backend: seconds a web process keeps the current-version pointer before reading it again.
    remote_pointer_ttl: float = 1.0
    #: Licence IRI of the published data in the VoID and DCAT-AP descriptions (an EU licence authority IRI).
    dataset_license: str = "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0"
    #: Interface the web server listens on (127.0.0.1: this machine only).
    host: str = "127.0.0.1"
    #: TCP port of the web server.
    port: int = 5000
    #: Web server worker processes; each opens the store read-only after it starts.
    workers: int = 2
    #: Threads per worker process (granian's blocking threads; gunicorn's gthread worker when more than 1).
    threads: int = 4
    #: HTTP server of ``fundinggraph serve``: ``granian`` (Rust; 2-4x the requests per second of gunicorn on
    #: cached and light requests here, see BENCHMARKS.md) or ``gunicorn``.
    server: str = "granian"
    #: Wall-clock limit of one SPARQL query, in seconds.
    query_timeout: float = 10.0
    #: Wall-clock limit of one authorised SPARQL Update, including publishing the new version, in seconds.
    update_timeout: float = 120.0
    #: Executor processes per web worker that run endpoint queries at the same time (plus one warm spare).
    query_executors: int = 2
    #: Maximum rows (SELECT) or triples (CONSTRUCT/DESCRIBE) returned by the endpoint.
    max_rows: int = 10000
    #: Deepest nesting of ``{ ( [`` accepted in a SPARQL query or update (the parser recurses per level).
    max_query_depth: int = 256
    #: Maximum size of a request body or query string, in bytes.
    max_request_bytes: int = 1_000_000
    #: Admin token that enables SPARQL Update; empty means read-only.
    admin_token: str = ""
    #: Comma-separated endpoint URLs that SERVICE may call; empty means SERVICE is refused.
    service_allowlist: tuple[str, ...] = ()
    #: Entries in the per-process result cache (0 disables it).
    cache_entries: int = 2048
    #: Largest response the cache keeps, in bytes.
    cache_max_bytes: int = 2_000_000
    #: Total bytes of responses the per-process SPARQL result cache keeps (and, separately, of canned
    #: query results: each of the two caches is bounded by this).
    cache_total_bytes: int = 64_000_000
    #: Validate the graph against the SHACL shapes when loading (false only for benchmarks of raw load speed).
    validate: bool = True
    #: How many previous store versions to keep on disk after a successful load.
    keep_versions: int = 2
    #: Directory of the canned queries (one ``<name>.rq`` per query, header in ``#+`` lines).
    queries_dir: Path = PROJECT_ROOT / "queries"
    #: Rows per page of a canned query result (``_size`` may ask for up to ``max_rows``).
    page_size: int = 100
    #: Largest graph (triples) whose labels pages read all at once per process and version; above it
    #: pages look labels up per resource (reading every label costs 48 s and ~1 GiB per worker at 5M).
    label_table_max_triples: int = 1_000_000
    #: Directory of the search index files, one per data version (empty: ``<data_dir>/search``).
    search_dir: str = ""
    #: Seconds a search waits for the index of a new data version to be built before answering 503 with
    #: Retry-After (``fundinggraph load`` builds it, so this only happens when it did not).
    search_wait: float = 5.0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def stores_dir(self) -> Path:
        return self.data_dir / "stores"

    @property
    def current_link(self) -> Path:
        return self.data_dir / "current"

    @property
    def documents_dir(self) -> Path:
        return self.sources_dir / "documents"

    def with_overrides(self, **overrides: Any) -> Settings:
        """Return a copy with the given settings replaced (``None`` values are ignored)."""
        clean = {k: v for k, v in overrides.items() if v is not None}
        return _validated(replace(self, **_coerce_all(clean)))


def _coerce(name: str, value: Any) -> Any:
    kind = {f.name: f.type for f in fields(Settings)}.get(name)
    if kind is None:
        raise ConfigError(f"unknown setting {name!r}")
    try:
        if kind in ("int",):
            return int(value)
        if kind in ("float",):
            return float(value)
        if kind in ("bool",):
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in ("1", "true", "yes", "on"):
                return True
            if text in ("0", "false", "no", "off", ""):
                return False
            raise ValueError(value)
        if kind in ("Path",):
            return Path(value).expanduser().resolve()
        if kind.startswith("tuple"):
            if isinstance(value, (list, tuple)):
                return tuple(str(v).strip() for v in value if str(v).strip())
            return tuple(v.strip() for v in str(value).split(",") if v.strip())
    except ValueError as exc:
        raise ConfigError(f"setting {name}: cannot use {value!r} ({kind} expected)") from exc
    return value


def _coerce_all(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (v if k == "extra" else _coerce(k, v)) for k, v in values.items()}


def _validated(settings: Settings) -> Settings:
    if not settings.base_iri.endswith("/"):
        raise ConfigError(f"setting base_iri must end with '/': {settings.base_iri!r}")
    if not settings.base_iri.startswith(("http://", "https://")):
        raise ConfigError(f"setting base_iri must be an http(s) IRI: {settings.base_iri!r}")
    if settings.backend not in ("embedded", "remote"):
        raise ConfigError(f"setting backend must be 'embedded' or 'remote', not {settings.backend!r}")
    if settings.backend == "remote" and not settings.remote_query_url:
        raise ConfigError("setting remote_query_url is required when backend is 'remote'")
    if not settings.dataset_license.startswith(("http://", "https://")):
        raise ConfigError(f"setting dataset_license must be an http(s) IRI: {settings.dataset_license!r}")
    if settings.remote_pointer_ttl < 0:
        raise ConfigError("setting remote_pointer_ttl must not be negative")
    if settings.query_timeout <= 0:
        raise ConfigError("setting query_timeout must be positive")
    if settings.update_timeout <= 0:
        raise ConfigError("setting update_timeout must be positive")
    if settings.query_executors < 1:
        raise ConfigError("setting query_executors must be at least 1")
    if settings.max_query_depth < 8:
        raise ConfigError("setting max_query_depth must be at least 8")
    if settings.max_rows < 1:
        raise ConfigError("setting max_rows must be at least 1")
    if settings.page_size < 1:
        raise ConfigError("setting page_size must be at least 1")
    if settings.search_wait < 0:
        raise ConfigError("setting search_wait must not be negative")
    if settings.server not in ("gunicorn", "granian"):
        raise ConfigError(f"setting server must be 'gunicorn' or 'granian', not {settings.server!r}")
    if not 1 <= settings.port <= 65535:
        raise ConfigError(f"setting port must be 1..65535, not {settings.port}")
    return settings


ENV_PREFIX = "FUNDINGGRAPH_"


def from_env(environ: dict[str, str] | None = None, **overrides: Any) -> Settings:
    """Build settings from defaults, then ``FUNDINGGRAPH_*`` environment variables, then ``overrides``."""
    environ = dict(os.environ if environ is None else environ)
    values: dict[str, Any] = {}
    for f in fields(Settings):
        if f.name == "extra":
            continue
        key = ENV_PREFIX + f.name.upper()
        if key in environ and environ[key] != "":
            values[f.name] = environ[key]
    values.update({k: v for k, v in overrides.items() if v is not None})
    return _validated(replace(Settings(), **_coerce_all(values)))


def describe() -> list[tuple[str, str, str]]:
    """(environment variable, default, meaning) for every setting, for ``--help`` and the README."""
    import inspect

    source = inspect.getsource(Settings)
    docs: dict[str, str] = {}
    pending: list[str] = []
    for line in source.splitlines():
        stripped = line.strip()
        if stripped.startswith("#:"):
            pending.append(stripped[2:].strip())
        elif ":" in stripped and not stripped.startswith(("#", '"', "def", "@", "return")) and pending:
            docs[stripped.split(":")[0].strip()] = " ".join(pending)
            pending = []
        elif not stripped.startswith("#:"):
            pending = []
    out = []
    defaults = Settings()
    for f in fields(Settings):
        if f.name == "extra":
            continue
        default = getattr(defaults, f.name)
        if isinstance(default, Path):
            try:
                default = str(default.relative_to(PROJECT_ROOT)) or "."
            except ValueError:
                default = str(default)
        elif isinstance(default, tuple):
            default = ",".join(default)
        out.append((ENV_PREFIX + f.name.upper(), str(default), docs.get(f.name, "")))
    return out
