"""Command line: ``fundinggraph <command>``. Run ``fundinggraph --help`` for the list."""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from fundinggraph import config
from fundinggraph.config import ConfigError, Settings

EXIT_USAGE = 2
EXIT_INVALID = 1
EXIT_BUSY = 3


def _eprint(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _settings_flags(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("settings (each also an environment variable, see `fundinggraph config`)")
    group.add_argument("--data-dir", help="where store versions live (FUNDINGGRAPH_DATA_DIR)")
    group.add_argument("--sources-dir", help="source documents and curated data (FUNDINGGRAPH_SOURCES_DIR)")
    group.add_argument("--ontology-dir", help="ontology, schemes and SHACL shapes (FUNDINGGRAPH_ONTOLOGY_DIR)")
    group.add_argument("--base-iri", help="base IRI of data resources (FUNDINGGRAPH_BASE_IRI)")
    group.add_argument("--backend", choices=["embedded", "remote"], help="store backend (FUNDINGGRAPH_BACKEND)")
    group.add_argument("--remote-query-url", help="remote SPARQL query endpoint (FUNDINGGRAPH_REMOTE_QUERY_URL)")
    group.add_argument("--remote-update-url", help="remote SPARQL update endpoint (FUNDINGGRAPH_REMOTE_UPDATE_URL)")
    group.add_argument("--remote-store-url", help="remote Graph Store endpoint (FUNDINGGRAPH_REMOTE_STORE_URL)")


def settings_from(args: argparse.Namespace) -> Settings:
    """Settings from defaults, environment, then the flags given on the command line."""
    names = {f for f in Settings.__dataclass_fields__ if f != "extra"}
    overrides = {k: v for k, v in vars(args).items() if k in names and v is not None}
    return config.from_env(**overrides)


# -- load ---------------------------------------------------------------------------------------------
def cmd_load(args: argparse.Namespace) -> int:
    """Build the graph from the sources, validate it and publish it as the new current store."""
    from fundinggraph.store import EmbeddedStores, LoadInProgress
    from loaders.pipeline import build

    settings = settings_from(args)
    if args.no_validate:
        settings = settings.with_overrides(validate=False)
    started = time.perf_counter()

    def progress(message: str) -> None:
        if not args.quiet:
            _eprint(f"[{time.perf_counter() - started:6.2f}s] {message}")

    if settings.backend == "remote":
        from fundinggraph.store.remote import publish_remote

        result = build(settings, progress)
        code = publish_remote(settings, result, progress, validate=settings.validate, force=args.force,
                              wait=args.wait)
        if code == 0:
            _search_index(settings, progress)
        return code
    stores = EmbeddedStores(settings)
    try:
        with stores.lock(wait=args.wait):
            result = build(settings, progress)
            report = None
            if settings.validate:
                report = check_shapes(result, progress)
                if not report.conforms:
                    return EXIT_INVALID
            published = publish_built(stores, result.store, force=args.force, progress=progress)
    except LoadInProgress as exc:
        _eprint(f"error: {exc}")
        return EXIT_BUSY
    _search_index(settings, progress)
    print(_summary(result.store, settings, published, report, time.perf_counter() - started))
    return 0


def _search_index(settings: Settings, progress: Callable[[str], None]) -> None:
    """Build the search index of the version just published, so the first search need not wait for it."""
    from server.search_store import build_current

    progress("building the search index")
    try:
        stats = build_current(settings)
    except Exception as exc:  # the data is published; the site builds the index on the first search instead
        _eprint(f"warning: the search index was not built ({type(exc).__name__}: {exc}); the first search will")
        return
    if stats is not None:
        progress(f"search index: {stats.texts} texts of {stats.resources} resources, {stats.bytes / 1e6:.1f} MB "
                 f"in {stats.seconds:.1f} s")


def publish_built(stores, store, *, force: bool, progress: Callable[[str], None]):
    """Dump the built graph to an N-Quads file beside the store versions and publish that file.

    From a file Oxigraph's bulk loader is faster than from bytes and needs less memory (BENCHMARKS.md,
    finding 1); the dump's lines are sorted (:func:`canonical_dump`) so that identical content gets the
    same version. The file is removed afterwards, or by the next load if this process dies (its name
    carries the pid).
    """
    import os

    from fundinggraph.store.embedded import BUILDING_PREFIX, canonical_dump

    stores.stores_dir.mkdir(parents=True, exist_ok=True)
    dump = stores.stores_dir / f"{BUILDING_PREFIX}dump-{os.getpid()}.nq"
    try:
        progress("writing N-Quads for the store")
        dump.write_bytes(canonical_dump(store))
        return stores.publish(dump, force=force, progress=progress)
    finally:
        dump.unlink(missing_ok=True)


def check_shapes(result, progress: Callable[[str], None]):
    """Validate the built graph against the SHACL shapes; print why when it does not conform."""
    from loaders.validate import validate

    progress("validating against the SHACL shapes")
    report = validate(result.store, result.ontology_dir)
    if not report.conforms:
        _eprint(report.summary())
        _eprint("error: the graph does not conform to the shapes; nothing was published "
                "(the served data is unchanged)")
    return report


def _summary(store, settings: Settings, published, report, seconds: float) -> str:
    from fundinggraph.namespaces import sparql_prologue
    from loaders.reconcile import discrepancies_query

    pro = sparql_prologue()
    classes = list(
        store.query(
            pro + "SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class "
            f'FILTER(STRSTARTS(STR(?s), "{settings.base_iri}id/")) }} GROUP BY ?class ORDER BY DESC(?n) ?class'
        )
    )
    figures = next(iter(store.query(pro + "SELECT (COUNT(DISTINCT ?f) AS ?n) WHERE { ?f fg:amount ?a }")))["n"].value
    discrepancies = len(list(store.query(discrepancies_query())))
    state = "unchanged (same content as the current version)" if published.unchanged else "published"
    lines = [
        f"Loaded {len(store)} triples in {seconds:.2f} s: {state} as version {published.version}",
        f"  store: {published.path}",
        f"  figures (nodes with an amount): {figures}",
        f"  stated totals that do not match their parts: {discrepancies} (see `fundinggraph reconcile`)",
        f"  validation: {'conforms' if report and report.conforms else 'skipped' if report is None else 'FAILED'}",
        "  entities per class:",
    ]
    for row in classes:
        cls = row["class"].value
        for prefix, iri in __import__("fundinggraph.namespaces").namespaces.PREFIXES.items():
            if cls.startswith(iri):
                cls = f"{prefix}:{cls[len(iri):]}"
                break
        lines.append(f"    {row['n'].value:>6}  {cls}")
    return "\n".join(lines)


# -- reconcile ----------------------------------------------------------------------------------------
def cmd_reconcile(args: argparse.Namespace) -> int:
    """List every stated total whose parts do not add up, with both sources."""
    from loaders.reconcile import discrepancies_query

    settings = settings_from(args)
    store = _reader_store(settings)
    rows = list(store.query(discrepancies_query()))
    if not rows:
        print("Every stated total matches the sum of its parts.")
        return 0
    print(f"{len(rows)} stated total(s) do not match the sum of their parts:\n")
    for row in rows:
        label = row["label"].value if row["label"] else row["total"].value
        print(f"- {label}")
        if row["stated"] is not None:
            tol = f" (rounding tolerance {row['tolerance'].value})" if row["tolerance"] else ""
            print(f"    stated {row['stated'].value}, sum of parts {row['computed'].value}, "
                  f"difference {row['difference'].value}{tol}")
        if row["countStated"] is not None:
            print(f"    stated count {row['countStated'].value}, sum of parts {row['countComputed'].value}")
        if row["document"] is not None:
            print(f"    source: {row['document'].value} line {row['startLine'].value}: {row['quote'].value!r}")
        print(f"    {row['total'].value}")
    return 0 if args.exit_zero else EXIT_INVALID


def _reader_store(settings: Settings):
    from fundinggraph.store import EmbeddedReader, StoreError

    try:
        return EmbeddedReader(settings).store()[1]
    except StoreError as exc:
        raise SystemExit(f"error: {exc}") from None


# -- dump -----------------------------------------------------------------------------------------------
def cmd_dump(args: argparse.Namespace) -> int:
    """Write the current graph as N-Quads and Turtle (plus SHA-256 checksums), from either backend.

    Without ``--out`` the files go where the site serves them from (``<data_dir>/dumps/<version>/``).
    """
    from fundinggraph.dumps import ensure_dumps, write_dumps
    from fundinggraph.store import StoreError
    from fundinggraph.store.backend import open_backend

    settings = settings_from(args)
    backend = open_backend(settings)
    try:
        if args.out:
            out = Path(args.out)
            files = write_dumps(backend, out)
        else:
            out, files = ensure_dumps(backend, settings.data_dir / "dumps", keep=settings.keep_versions)
    except StoreError as exc:
        raise SystemExit(f"error: {exc}") from None
    finally:
        backend.close()
    for f in files:
        print(f"{out / f.name}  {f.size} bytes  sha256 {f.sha256}  (version {f.version})")
    return 0


# -- sources -------------------------------------------------------------------------------------------
def cmd_sources(args: argparse.Namespace) -> int:
    """Check the source documents against sources.yaml, or record new checksums with --update."""
    from loaders.sourcetext import MANIFEST, SourceError, load_manifest, read_sources

    settings = settings_from(args)
    if not args.update:
        try:
            sources = read_sources(settings.sources_dir)
        except SourceError as exc:
            _eprint(f"error: {exc}")
            return EXIT_INVALID
        for doc in sources.documents:
            print(f"{doc.key}  {doc.kind:17} {doc.line_count:5} lines  {doc.path.name}  ok")
        return 0
    import yaml

    entries = load_manifest(settings.sources_dir)
    for entry in entries:
        path = settings.sources_dir / "documents" / entry["file"]
        raw = path.read_bytes()
        raw.decode("utf-8")
        entry["sha256"] = hashlib.sha256(raw).hexdigest()
        entry["lines"] = raw.decode("utf-8").count("\n") + 1
    manifest = settings.sources_dir / MANIFEST
    header = "".join(line for line in manifest.read_text(encoding="utf-8").splitlines(True) if line.startswith("#"))
    manifest.write_text(header + yaml.safe_dump({"documents": entries}, sort_keys=False, allow_unicode=True))
    print(f"recorded checksums of {len(entries)} documents in {manifest}")
    return 0


# -- info / config ---------------------------------------------------------------------------------------
def cmd_info(args: argparse.Namespace) -> int:
    """Show the current store version and its size."""
    from fundinggraph.store import EmbeddedStores

    settings = settings_from(args)
    if settings.backend == "remote":
        from fundinggraph.store.remote import RemoteStores, redact, version_graph

        remote = RemoteStores(settings)
        current = remote.current_version()
        if current is None:
            print(f"no data loaded yet into {redact(settings.remote_query_url)}: run `fundinggraph load --backend remote`")
            return 1
        kept = remote.versions()
        triples = dict(kept).get(current)
        print(f"version {current}\ngraph   {version_graph(settings, current).value}\nstore   "
              f"{redact(settings.remote_query_url)}\ntriples {triples}")
        print(f"kept    {', '.join(v for v, n in kept if n is not None)}")
        return 0
    stores = EmbeddedStores(settings)
    version = stores.current_version()
    if version is None:
        print("no data loaded yet: run `fundinggraph load`")
        return 1
    store = _reader_store(settings)
    print(f"version {version}\npath    {stores.current_path()}\ntriples {len(store)}")
    print(f"kept    {', '.join(stores.versions())}")
    return 0


def cmd_config(args: argparse.Namespace) -> int:
    """Show every setting, its environment variable, default and effective value."""
    settings = settings_from(args)
    for env, default, meaning in config.describe():
        name = env[len(config.ENV_PREFIX):].lower()
        value = getattr(settings, name)
        if isinstance(value, tuple):
            value = ",".join(value)
        if name == "admin_token" and value:
            value = "(set)"
        elif name.startswith("remote_") and isinstance(value, str):
            from fundinggraph.store.remote import redact

            value = redact(value)
        print(f"{env:36} = {value}\n    default {default}: {meaning}")
    return 0


COMMANDS: dict[str, tuple[Callable[[argparse.Namespace], int], str]] = {}


def build_parser() -> argparse.ArgumentParser:
    env_lines = "\n".join(f"  {env:36} {meaning}" for env, _, meaning in config.describe())
    parser = argparse.ArgumentParser(
        prog="fundinggraph",
        description="The knowledge graph of Flemish economic-policy funding: build it from the sources, "
        "check it, dump it and serve it.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Typical use:\n  fundinggraph load      build and publish the graph from sources/\n"
        "  fundinggraph serve     serve the site and SPARQL endpoint on 127.0.0.1:5000\n"
        "  fundinggraph reconcile list stated totals that do not add up\n\n"
        "Environment variables (flags override them):\n" + env_lines,
    )
    sub = parser.add_subparsers(dest="command", metavar="<command>")

    def command(name: str, fn: Callable[[argparse.Namespace], int], help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=fn.__doc__)
        _settings_flags(p)
        p.set_defaults(func=fn)
        return p

    p = command("load", cmd_load, "build the graph from the sources and publish it atomically")
    p.add_argument("--no-validate", action="store_true", help="skip SHACL validation (benchmarks only)")
    p.add_argument("--force", action="store_true", help="publish a new version even if nothing changed")
    p.add_argument("--wait", action="store_true", help="wait for a running load instead of failing")
    p.add_argument("--quiet", action="store_true", help="no progress messages")
    p = command("reconcile", cmd_reconcile, "list stated totals that do not match the sum of their parts")
    p.add_argument("--exit-zero", action="store_true", help="exit 0 even when discrepancies exist")
    p = command("dump", cmd_dump, "write the graph as N-Quads and Turtle")
    p.add_argument("--out", help="output directory (default: <data_dir>/dumps/<version>/, where the site serves them)")
    p = command("sources", cmd_sources, "check source documents against sources.yaml")
    p.add_argument("--update", action="store_true", help="record the current checksums in sources.yaml")
    command("info", cmd_info, "show the current store version")
    command("config", cmd_config, "show the effective settings")
    for name, (fn, help_text) in COMMANDS.items():
        extra = command(name, fn, help_text)
        configure = getattr(fn, "configure", None)
        if configure:
            configure(extra)
    return parser


def register(name: str, help_text: str) -> Callable[[Callable[[argparse.Namespace], int]], Callable]:
    """Decorator for commands defined in other modules (imported in :func:`_plugins`)."""

    def deco(fn: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
        COMMANDS[name] = (fn, help_text)
        return fn

    return deco


#: Modules that add commands with :func:`register` (imported lazily, missing ones are skipped).
PLUGINS = ("loaders.coverage", "server.cli", "fundinggraph.links", "fundinggraph.bench")


def _plugins() -> None:
    import importlib

    for name in PLUGINS:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise


def main(argv: Sequence[str] | None = None) -> int:
    _plugins()
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    from fundinggraph.store import StoreError
    from loaders.sourcetext import SourceError

    try:
        return int(args.func(args) or 0)
    except ConfigError as exc:
        _eprint(f"error: {exc}")
        return EXIT_USAGE
    except SourceError as exc:
        _eprint(f"error: {exc}")
        _eprint("nothing was published; the served data is unchanged")
        return EXIT_INVALID
    except StoreError as exc:
        _eprint(f"error: {exc}")
        return EXIT_INVALID
    except KeyboardInterrupt:
        _eprint("interrupted; nothing was published")
        return 130
    except BrokenPipeError:
        # The reader of our output went away (e.g. `| head`); that is not an error of ours.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
