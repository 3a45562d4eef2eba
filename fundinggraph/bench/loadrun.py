"""One loading run in a fresh child process: ``python -m fundinggraph.bench.loadrun METHOD NQUADS DIR``.

Prints one JSON line (``seconds``, ``triples``, ``phases``). The parent measures the peak RSS of this
process with ``os.wait4``, so every method is measured the same way and runs do not share memory.

Methods:

* ``bulk_load``: pyoxigraph ``Store(dir).bulk_load(path=...)`` and ``flush`` (the anchor).
* ``bulk_load-bytes``: the same from the file's bytes in memory (``bulk_load(input=...)``, as our writer
  does; the read is timed). Parsing from memory is often faster than from a path.
* ``bulk_load+optimize``: the same plus ``optimize()`` (what our writer adds for query speed).
* ``publish``: our writer, :meth:`EmbeddedStores.publish` of the file (hash beside the bulk load,
  bulk load, optimise, rename, switch), as ``fundinggraph load`` calls it with its dump.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from pyoxigraph import RdfFormat, Store

METHODS = ("bulk_load", "bulk_load-bytes", "bulk_load+optimize", "publish")


def run(method: str, nquads: Path, target: Path) -> dict:
    """Load ``nquads`` into a new store under ``target`` with ``method``; return timings."""
    phases: dict[str, float] = {}
    started = time.perf_counter()
    if method in ("bulk_load", "bulk_load-bytes", "bulk_load+optimize"):
        store = Store(str(target / "store"))
        if method == "bulk_load-bytes":
            store.bulk_load(input=nquads.read_bytes(), format=RdfFormat.N_QUADS)
        else:
            store.bulk_load(path=str(nquads), format=RdfFormat.N_QUADS)
        phases["bulk_load"] = time.perf_counter() - started
        if method == "bulk_load+optimize":
            t0 = time.perf_counter()
            store.optimize()
            phases["optimize"] = time.perf_counter() - t0
        store.flush()
        seconds = time.perf_counter() - started
        triples = len(store)
        del store
    elif method == "publish":
        from fundinggraph import config
        from fundinggraph.store import EmbeddedStores

        stores = EmbeddedStores(config.from_env(environ={}, data_dir=str(target)))

        def progress(message: str) -> None:
            phases[message.split(" ")[0]] = time.perf_counter() - started

        with stores.lock(wait=True):
            # A file, as `fundinggraph load` publishes its dump (fundinggraph.cli.publish_built).
            result = stores.publish(nquads, force=True, progress=progress)
        seconds = time.perf_counter() - started
        triples = result.triples
    else:
        raise SystemExit(f"unknown method {method!r}; one of {', '.join(METHODS)}")
    return {"method": method, "seconds": seconds, "triples": triples, "phases": phases}


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    method, nquads, target = argv
    print(json.dumps(run(method, Path(nquads), Path(target))), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
