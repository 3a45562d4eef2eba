"""Benchmarks of loading and serving against the pyoxigraph and ``oxigraph serve`` anchors.

``python -m fundinggraph.bench`` (``make bench``) or ``fundinggraph bench``; see docs/BENCHMARKING.md.
Modules: :mod:`~fundinggraph.bench.synth` (synthetic graphs), :mod:`~fundinggraph.bench.loadrun` (one
measured load), :mod:`~fundinggraph.bench.servers` (servers on loopback), :mod:`~fundinggraph.bench.loadgen`
(wrk and a Python generator), :mod:`~fundinggraph.bench.workload` (queries and their answers),
:mod:`~fundinggraph.bench.run` (the whole run and the report).
"""

from __future__ import annotations

import argparse

from fundinggraph.cli import register


@register("bench", "benchmark loading and serving against pyoxigraph and oxigraph serve (updates BENCHMARKS.md)")
def cmd_bench(args: argparse.Namespace) -> int:
    """Run the benchmarks (``--quick``, default or ``--full``) and update BENCHMARKS.md."""
    from fundinggraph.bench.run import run

    return run(args)


def _configure(parser: argparse.ArgumentParser) -> None:
    from fundinggraph.bench.run import add_arguments

    add_arguments(parser)


cmd_bench.configure = _configure  # type: ignore[attr-defined]
