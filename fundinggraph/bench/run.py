"""``make bench``: loading and serving benchmarks against the pyoxigraph and ``oxigraph serve`` anchors.

Modes: ``--quick`` (0.1M/1M loads, serving on the real graph only, short runs), the default (0.1M/1M
loads, serving on the real graph and 1M) and ``--full`` (adds 5M to both, compares serving stacks).
Results go to ``var/bench/results/<stamp>.json`` and into BENCHMARKS.md between the ``bench:begin`` and
``bench:end`` markers (hand-written findings outside the markers are kept).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fundinggraph.bench import loadgen, synth
from fundinggraph.bench.servers import ServerProcess, Stack, granian_binary, our_server, oxigraph_server
from fundinggraph.bench.workload import expected_checker, queries
from fundinggraph.config import DEFAULT_BASE_IRI, PROJECT_ROOT

LOAD_METHODS = ("bulk_load", "bulk_load-bytes", "bulk_load+optimize", "publish")
ANCHORS = ("bulk_load", "bulk_load-bytes")
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
#: Targets of issue 6 (ours / anchor).
LOAD_TARGET = 0.8
SERVE_TARGETS = {"trivial": 0.3, "work": 0.9}
PAGE_P95_TARGET_MS = 50.0
#: Connections of the distinct-query runs: each request is real engine work, so fewer of them.
DISTINCT_CONNECTIONS = 4


def _log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


@dataclass
class Plan:
    """What one ``make bench`` run does."""

    mode: str
    load_sizes: list[str]
    serve_sets: list[str]
    seconds: float
    page_seconds: float
    connections: int
    repeats: int
    stacks: list[Stack]
    cache: Path
    out: Path
    results: dict[str, Any] = field(default_factory=dict)


# -- machine -----------------------------------------------------------------------------------------
def _version(cmd: list[str]) -> str:
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return "not installed"
    return (proc.stdout or proc.stderr).strip().splitlines()[0] if (proc.stdout or proc.stderr) else "?"


def machine() -> dict[str, Any]:
    """CPU, memory, load and software versions of this machine."""
    import pyoxigraph

    from fundinggraph.bench.servers import oxigraph_binary

    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.TimeoutExpired):
        lscpu = ""
    cpu = {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in lscpu.splitlines()) if v}
    meminfo = Path("/proc/meminfo").read_text() if Path("/proc/meminfo").exists() else ""
    total_kib = int(re.search(r"MemTotal:\s+(\d+)", meminfo).group(1)) if "MemTotal" in meminfo else 0
    binary = oxigraph_binary()
    return {
        "cpu": cpu.get("Model name", platform.processor()),
        "cpus": cpu.get("CPU(s)", str(os.cpu_count())),
        "threads_per_core": cpu.get("Thread(s) per core", "?"),
        "ram_gib": round(total_kib / 1024 / 1024, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "pyoxigraph": pyoxigraph.__version__,
        "oxigraph_cli": _version([binary, "--version"]) if binary else "not installed",
        "wrk": _version(["wrk", "--version"]) if loadgen.wrk_available() else "not installed",
        "granian": _version([granian_binary(), "--version"]) if granian_binary() else "not installed",
        "loadavg_start": os.getloadavg(),
    }


# -- synthetic data ------------------------------------------------------------------------------------
def generate(plan: Plan, size: str) -> tuple[Path, synth.Probe]:
    """The cached synthetic graph of ``size`` (generated and timed on first use)."""
    started = time.perf_counter()
    path, probe = synth.cached(plan.cache, synth.SIZES[size])
    took = time.perf_counter() - started
    plan.results.setdefault("generate", {})[size] = {"triples": probe.triples, "seconds": round(took, 2),
                                                     "bytes": path.stat().st_size, "file": str(path)}
    return path, probe


# -- loading -------------------------------------------------------------------------------------------
def run_measured(cmd: list[str]) -> tuple[int, str, str, float, float]:
    """Run ``cmd`` as a child; exit code, stdout, stderr, wall seconds and its own peak RSS in MiB."""
    import tempfile

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=PROJECT_ROOT, stdout=out, stderr=err)
        # wait4, not wait: it gives the rusage of this one child (RUSAGE_CHILDREN is a maximum over all).
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return (proc.returncode, out.read().decode(errors="replace"), err.read().decode(errors="replace"),
                seconds, usage.ru_maxrss / 1024)


def load_once(method: str, nquads: Path, work: Path) -> dict[str, Any]:
    """One loading run in a fresh child process: its timings, peak RSS and store size on disk."""
    target = work / f"load-{method.replace('+', '-')}-{os.getpid()}"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    try:
        code, out, err, _, rss = run_measured([sys.executable, "-m", "fundinggraph.bench.loadrun", method,
                                               str(nquads), str(target)])
        if code != 0:
            raise RuntimeError(f"{method} on {nquads.name} failed ({code}): {err[-2000:]}")
        data = json.loads(out)
        data["peak_rss_mib"] = round(rss, 1)
        data["disk_mib"] = round(sum(p.stat().st_size for p in target.rglob("*") if p.is_file()) / 2**20, 1)
        return data
    finally:
        shutil.rmtree(target, ignore_errors=True)


def bench_loading(plan: Plan) -> None:
    """Every load method at every size: median seconds, throughput and peak RSS."""
    rows = plan.results.setdefault("loading", [])
    work = plan.cache / "work"
    for size in plan.load_sizes:
        nquads, probe = generate(plan, size)
        repeats = max(plan.repeats, 3) if probe.triples <= 200_000 else plan.repeats
        for method in LOAD_METHODS:
            runs = []
            for _ in range(repeats):
                _log(f"loading {size} with {method}")
                runs.append(load_once(method, nquads, work))
            runs.sort(key=lambda r: r["seconds"])
            best = runs[len(runs) // 2]
            rows.append({"size": size, "method": method, "triples": best["triples"], "runs": len(runs),
                         "seconds": round(best["seconds"], 2),
                         "all_seconds": [round(r["seconds"], 2) for r in runs],
                         "triples_per_s": round(best["triples"] / best["seconds"]),
                         "peak_rss_mib": max(r["peak_rss_mib"] for r in runs), "disk_mib": best["disk_mib"],
                         "phases": {k: round(v, 2) for k, v in best["phases"].items()}})


def bench_real_load(plan: Plan) -> Path:
    """``fundinggraph load --force`` of our sources end to end (validation included); returns its data dir."""
    data_dir = plan.cache / "serve-real"
    data_dir.mkdir(parents=True, exist_ok=True)
    _log("fundinggraph load of the real sources")
    cmd = [sys.executable, "-m", "fundinggraph", "load", "--force", "--quiet", "--wait", "--data-dir", str(data_dir)]
    code, out, err, seconds, rss = run_measured(cmd)
    note = ""
    if code != 0 and "does not conform to the shapes" in err:
        # The sources or shapes are being worked on: still measure (and serve) the graph, and say so.
        note = "SHACL validation failed on these sources, so this is the time of `--no-validate`"
        _log(note)
        code, out, err, seconds, rss = run_measured([*cmd, "--no-validate"])
    if code != 0:
        raise RuntimeError(f"fundinggraph load failed ({code}):\n{out}\n{err}")
    match = re.search(r"Loaded (\d+) triples in ([\d.]+) s", out)
    plan.results["real_load"] = {
        "triples": int(match.group(1)) if match else None,
        "seconds_wall": round(seconds, 2),
        "seconds_reported": float(match.group(2)) if match else None,
        "peak_rss_mib": round(rss, 1),
        "command": "fundinggraph load --force" + (" --no-validate" if note else ""),
        "note": note,
    }
    return data_dir


def serving_store(plan: Plan, name: str, parts: list[Path]) -> Path:
    """A data dir whose current store holds the union of ``parts`` (reused while they are unchanged)."""
    data_dir = plan.cache / f"serve-{name}"
    marker = data_dir / "inputs.json"
    key = [[str(p), p.stat().st_size, int(p.stat().st_mtime)] for p in parts]
    if marker.exists() and json.loads(marker.read_text()) == key and (data_dir / "current").exists():
        return data_dir
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    combined = plan.cache / f"combined-{name}.nq"
    with open(combined, "wb") as out:
        for part in parts:
            with open(part, "rb") as handle:
                shutil.copyfileobj(handle, out, 16 * 2**20)
    _log(f"publishing the {name} serving store")
    subprocess.run([sys.executable, "-m", "fundinggraph.bench.loadrun", "publish", str(combined), str(data_dir)],
                   cwd=PROJECT_ROOT, check=True, stdout=subprocess.DEVNULL)
    combined.unlink()
    marker.write_text(json.dumps(key))
    return data_dir


# -- serving -------------------------------------------------------------------------------------------
@dataclass
class Dataset:
    name: str
    data_dir: Path
    label_iri: str
    year: int
    construct_org: str
    pages: list[tuple[str, str]]


def _tree_rss_mib(server: ServerProcess) -> float:
    try:
        import psutil
    except ImportError:
        return 0.0
    try:
        root = psutil.Process(server.proc.pid)  # type: ignore[union-attr]
        procs = [root, *root.children(recursive=True)]
        return round(sum(p.memory_info().rss for p in procs) / 2**20, 1)
    except psutil.Error:
        return 0.0


def _measure(url: str, accept: str, plan: Plan, check: Callable[[int, bytes], str | None]) -> dict[str, Any]:
    import urllib.request

    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, body = exc.code, exc.read()
    problem = check(status, body)
    if problem:
        return {"ok": False, "problem": problem}
    headers = {"Accept": accept}
    loadgen.run_load(url, seconds=min(2.0, plan.seconds), connections=plan.connections,
                     headers=headers)  # warm-up, not recorded
    result = loadgen.run_load(url, seconds=plan.seconds, connections=plan.connections, headers=headers)
    out: dict[str, Any] = {"ok": True, "bytes": len(body), **result.to_dict()}
    if loadgen.wrk_available():
        # The same query made distinct by a comment: no result cache can answer, the engine works.
        distinct = loadgen.run_load(url, seconds=plan.seconds, connections=DISTINCT_CONNECTIONS, headers=headers,
                                    vary=True)
        out["distinct"] = distinct.to_dict()
    return out


def bench_serving(plan: Plan, dataset: Dataset) -> None:
    """Each query against ``oxigraph serve-read-only`` and our endpoint(s) on the same store."""
    from pyoxigraph import Store

    from fundinggraph import config
    from fundinggraph.store import EmbeddedStores

    stores = EmbeddedStores(config.from_env(environ={}, data_dir=str(dataset.data_dir)))
    store_path = stores.current_path()
    assert store_path is not None
    store = Store.read_only(str(store_path))
    triples = len(store)
    qs = queries(DEFAULT_BASE_IRI, dataset.label_iri, dataset.year, dataset.construct_org)
    checks = {q.key: expected_checker(store, q) for q in qs}
    del store
    logs = plan.cache / "logs"
    section = plan.results.setdefault("serving", {}).setdefault(dataset.name, {"triples": triples, "queries": {},
                                                                                "pages": {}, "rss_mib": {}})
    with oxigraph_server(store_path, logs) as oxi:
        for q in qs:
            _log(f"{dataset.name}: {q.key} on oxigraph")
            entry = section["queries"].setdefault(q.key, {"title": q.title, "kind": q.kind,
                                                          "results": checks[q.key][1], "servers": {}})
            entry["servers"]["oxigraph serve-read-only"] = _measure(oxi.url + q.path("/query"), q.accept, plan,
                                                                    checks[q.key][0])
        section["rss_mib"]["oxigraph serve-read-only"] = _tree_rss_mib(oxi)
    for stack in plan.stacks:
        with our_server(dataset.data_dir, logs, stack) as ours:
            for q in qs:
                _log(f"{dataset.name}: {q.key} on ours ({stack.name})")
                section["queries"][q.key]["servers"][stack.name] = _measure(
                    ours.url + q.path("/sparql"), q.accept, plan, checks[q.key][0])
            if stack is next(s for s in plan.stacks if s.server == stack.server):
                for title, path in dataset.pages:
                    _log(f"{dataset.name}: page {path} ({stack.name})")
                    section["pages"].setdefault(title, {"path": path, "stacks": {}})["stacks"][stack.name] = (
                        _page_latency(ours.url + path, plan))
            section["rss_mib"][stack.name] = _tree_rss_mib(ours)


def _page_latency(url: str, plan: Plan) -> dict[str, Any]:
    """Latency of a page or canned query at low concurrency (4 clients), after one unrecorded fetch."""
    import urllib.request

    # A 503 with Retry-After is a per-version index still being built (search at 5M: about a minute and a
    # half, once per data version): wait for it, as a client would, before measuring.
    deadline = time.monotonic() + 600
    while True:
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": "text/html"}), timeout=120):
                break
        except urllib.error.HTTPError as exc:
            if exc.code != 503 or "Retry-After" not in exc.headers or time.monotonic() > deadline:
                return {"ok": False, "problem": f"HTTP {exc.code}"}
            time.sleep(min(10, max(1, int(exc.headers["Retry-After"]))))
    result = loadgen.run_load(url, seconds=plan.page_seconds, connections=4, headers={"Accept": "text/html"})
    return {"ok": result.requests > 0 and result.non_2xx == 0 and result.errors == 0, **result.to_dict()}


def datasets(plan: Plan, real_dir: Path) -> list[Dataset]:
    """The datasets to serve: the real graph and, by mode, the real graph plus 1M or 5M synthetic triples."""
    ids = DEFAULT_BASE_IRI + "id/"
    out = [Dataset("real", real_dir, ids + "organisation/vlaio", 2023, ids + "organisation/vlaio", [
        ("entity page: organisation (VLAIO)", "/id/organisation/vlaio"),
        ("entity page: organisation (Dyzo)", "/id/organisation/dyzo"),
        ("canned query: who funds whom 2023 (HTML)", "/queries/who-funds-whom?year=2023"),
        ("search: klimaat", "/search?q=klimaat"),
    ])]
    from fundinggraph import config
    from fundinggraph.store import EmbeddedStores

    real_store = EmbeddedStores(config.from_env(environ={}, data_dir=str(real_dir))).current_path()
    for size in plan.serve_sets:
        path, probe = generate(plan, size)
        real_nq = plan.cache / "real.nq"
        _dump(real_store, real_nq)
        data_dir = serving_store(plan, size, [real_nq, path])
        slug = probe.construct_org.rsplit("/", 1)[-1]
        out.append(Dataset(size, data_dir, probe.label_iri, probe.year, probe.construct_org, [
            ("entity page: busy funder", f"/id/organisation/{slug}"),
            ("entity page: organisation (VLAIO)", "/id/organisation/vlaio"),
            ("entity page: funding flow", "/id/" + probe.flow_iri.split("/id/", 1)[1]),
            (f"canned query: who funds whom {probe.year} (HTML)", f"/queries/who-funds-whom?year={probe.year}"),
            ("search: klimaat", "/search?q=klimaat"),
        ]))
    return out


def _dump(store_path: Path | None, target: Path) -> None:
    from pyoxigraph import RdfFormat, Store

    if store_path is None:
        raise RuntimeError("no real store to dump")
    store = Store.read_only(str(store_path))
    tmp = target.with_suffix(".tmp")
    store.dump(str(tmp), RdfFormat.N_QUADS)
    data = tmp.read_bytes()
    if not target.exists() or target.read_bytes() != data:
        tmp.replace(target)
    else:
        tmp.unlink()


# -- report ---------------------------------------------------------------------------------------------
def _fmt(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def _mark(ok: bool) -> str:
    return "meets target" if ok else "**below target**"


def _phases(row: dict[str, Any]) -> str:
    """Where the time of the median run went."""
    phases = row.get("phases", {})
    if row["method"] == "publish":
        # Progress messages: the time from the start at which each step began.
        return ", ".join(f"{k} from {v:g} s" for k, v in phases.items() if k != "read") + (
            f" (file read by {phases['read']:g} s)" if "read" in phases else "")
    return " + ".join(f"{k} {v:g} s" for k, v in phases.items())


def render(r: dict[str, Any]) -> str:
    """The generated part of BENCHMARKS.md, from the results of one run."""
    m = r["machine"]
    p = r.get("plan", {"connections": 16, "seconds": 15.0, "page_seconds": 8.0, "first_stack": "gunicorn gthread 2wx4t"})
    lines = [
        BEGIN,
        f"## Results of `{r['command']}` ({r['finished']}, {r['minutes']:.1f} min)",
        "",
        f"Machine: {m['cpu']}, {m['cpus']} CPUs ({m['threads_per_core']} thread(s) per core), {m['ram_gib']} GiB "
        f"RAM, Linux {m['kernel']}; Python {m['python']}, pyoxigraph {m['pyoxigraph']}, {m['oxigraph_cli']}, "
        f"{m['wrk'].split(' Copyright')[0]}, granian {m['granian']}. Load average at start {m['loadavg_start'][0]:.2f}, at end "
        f"{r['loadavg_end'][0]:.2f} (other work on the machine makes every figure noisier).",
        "",
    ]
    if "generate" in r:
        lines += [f"### Synthetic data (`fundinggraph.bench.synth`, seed {synth.DEFAULT_SEED})", "",
                  "| size | triples | N-Quads | generated in |", "|---|---:|---:|---:|"]
        for size, g in r["generate"].items():
            lines.append(f"| {size} | {g['triples']:,} | {g['bytes'] / 2**20:,.0f} MiB | "
                         f"{g['seconds']:.1f} s{' (cached)' if g['seconds'] < 0.5 else ''} |")
        lines.append("")
    if r.get("loading"):
        lines += ["### Loading (one fresh child process per run; median of the runs; peak RSS by `wait4`)", "",
                  "| size | method | triples/s | seconds | peak RSS | store on disk | / fastest bulk_load | runs (s) | "
                  "where the time went |",
                  "|---|---|---:|---:|---:|---:|---:|---|---|"]
        anchors: dict[str, dict[str, Any]] = {}
        for row in r["loading"]:
            if row["method"] in ANCHORS and row["triples_per_s"] > anchors.get(row["size"], {}).get("triples_per_s", 0):
                anchors[row["size"]] = row
        for row in r["loading"]:
            anchor = anchors.get(row["size"])
            ratio = row["triples_per_s"] / anchor["triples_per_s"] if anchor else None
            verdict = ""
            if row["method"] == "publish" and ratio is not None:
                verdict = f" ({_mark(ratio >= LOAD_TARGET)} {LOAD_TARGET}x)"
            lines.append(
                f"| {row['size']} | {row['method']} | {row['triples_per_s']:,} | {row['seconds']:.2f} | "
                f"{row['peak_rss_mib']:,.0f} MiB | {row['disk_mib']:,.0f} MiB | "
                f"{'-' if ratio is None else f'{ratio:.2f}x'}{verdict} | {', '.join(map(str, row['all_seconds']))} | "
                f"{_phases(row)} |")
        lines.append("")
    if "real_load" in r:
        rl = r["real_load"]
        lines += [f"Real sources end to end (`{rl['command']}`, SHACL validation included): {rl['triples']:,} "
                  f"triples in {rl['seconds_wall']:.1f} s wall clock (the CLI reports {rl['seconds_reported']} s), "
                  f"peak RSS {rl['peak_rss_mib']:,.0f} MiB." + (f" Note: {rl['note']}." if rl["note"] else ""), ""]
    for name, section in r.get("serving", {}).items():
        lines += [f"### Serving: {name} dataset ({section['triples']:,} triples)", "",
                  f"Load generator: {r['generator']}. *Repeated*: the same request over {p['connections']} "
                  f"connections for {p['seconds']:g} s after a 2 s warm-up (our result cache answers it after the "
                  f"first time). *Distinct*: every request made different by a SPARQL comment, over "
                  f"{DISTINCT_CONNECTIONS} connections (no cache can answer: engine against engine). Every answer "
                  "was first checked against the in-process answer on the same store.", "",
                  "| query | server | repeated req/s | p50 ms | p99 ms | ours / oxigraph | distinct req/s | p50 ms "
                  "| p99 ms | ours / oxigraph |",
                  "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for q in section["queries"].values():
            anchor = q["servers"].get("oxigraph serve-read-only", {})
            target = SERVE_TARGETS[q["kind"]]
            for server, res in q["servers"].items():
                title = f"{q['title']} ({q['results']} results)"
                if not res.get("ok"):
                    lines.append(f"| {title} | {server} | not measured: {res.get('problem')} | | | | | | | |")
                    continue
                cells = []
                for mode in ("repeated", "distinct"):
                    mine = res if mode == "repeated" else res.get("distinct")
                    theirs = anchor if mode == "repeated" else anchor.get("distinct")
                    if not mine:
                        cells += ["-", "-", "-", ""]
                        continue
                    ratio = ""
                    if server != "oxigraph serve-read-only" and theirs and theirs["rps"]:
                        value = mine["rps"] / theirs["rps"]
                        ratio = f"{value:.2f}x" + ("" if value >= target else f" (**below {target}x**)")
                    errors = mine["errors"] + mine["non_2xx"]
                    cells += [f"{mine['rps']:,.0f}" + (f" ({errors} errors)" if errors else ""),
                              _fmt(mine["p50_ms"], 2), _fmt(mine["p99_ms"], 2), ratio]
                lines.append(f"| {title} | {server} | " + " | ".join(cells) + " |")
        lines.append("")
        if section["pages"]:
            lines += [f"Pages and canned queries on {name} (4 clients, {p['page_seconds']:g} s each, after one "
                      f"unrecorded fetch; target p95 <= {PAGE_P95_TARGET_MS:g} ms):", "",
                      "| page | stack | req/s | p50 ms | p95 ms | p99 ms | |", "|---|---|---:|---:|---:|---:|---|"]
            for title, page in section["pages"].items():
                stacks = page.get("stacks") or {p["first_stack"]: page}
                for stack_name, res in stacks.items():
                    where = f"{title} (`{page['path']}`) | {stack_name}"
                    if "rps" not in res:
                        lines.append(f"| {where} | not measured: {res.get('problem')} | | | | |")
                    elif not res["requests"]:
                        lines.append(f"| {where} | no answer within the run | | | | **below target** |")
                    else:
                        lines.append(f"| {where} | {res['rps']:,.0f} | {_fmt(res['p50_ms'], 2)} | "
                                     f"{_fmt(res['p95_ms'], 2)} | {_fmt(res['p99_ms'], 2)} | "
                                     f"{_mark(res['p95_ms'] <= PAGE_P95_TARGET_MS and res.get('ok', True))} |")
            lines.append("")
        if section["rss_mib"]:
            lines += ["Resident memory after the runs: " + ", ".join(
                f"{k} {v:,.0f} MiB" for k, v in section["rss_mib"].items()) + ".", ""]
    if "loadtest" in r:
        lines += [r["loadtest"], ""]
    lines.append(END)
    return "\n".join(lines)


def write_report(results: dict[str, Any], out: Path) -> None:
    """Replace the generated part of ``out`` (BENCHMARKS.md; created if needed)."""
    generated = render(results)
    if out.exists():
        text = out.read_text(encoding="utf-8")
        if BEGIN in text and END in text:
            text = text[: text.index(BEGIN)] + generated + text[text.index(END) + len(END):]
        else:
            text = text.rstrip() + "\n\n" + generated + "\n"
    else:
        text = "# Benchmarks\n\n" + generated + "\n"
    out.write_text(text, encoding="utf-8")


# -- entry point ------------------------------------------------------------------------------------------
def parse_stacks(text: str) -> list[Stack]:
    """``gunicorn:2:4,gunicorn:4:1,granian:2:4`` -> stacks (server:workers:threads)."""
    stacks = []
    for item in text.split(","):
        fields = item.strip().split(":")
        server = fields[0]
        workers = fields[1] if len(fields) > 1 else "2"
        threads = fields[2] if len(fields) > 2 else "4"
        if server not in ("gunicorn", "granian"):
            raise SystemExit(f"--stacks: unknown server {server!r} (gunicorn or granian)")
        stacks.append(Stack(server, int(workers), int(threads)))
    return stacks


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of a benchmark run (shared by ``python -m fundinggraph.bench`` and ``fundinggraph bench``)."""
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="0.1M/1M loads, serving on the real graph, short runs")
    mode.add_argument("--full", action="store_true", help="adds 5M triples and compares serving stacks")
    parser.add_argument("--seconds", type=float, help="seconds per serving run (default 8; quick 4; full 15)")
    parser.add_argument("--connections", type=int, default=16, help="concurrent connections (default 16)")
    parser.add_argument("--repeats", type=int, help="runs per load method and size (median; default 1, full 3)")
    parser.add_argument("--stacks", help="our serving stacks, e.g. gunicorn:2:4,gunicorn:4:1,granian:2:4")
    parser.add_argument("--only", choices=["load", "serve"], help="run only the loading or serving part")
    parser.add_argument("--cache", default=str(PROJECT_ROOT / "var" / "bench"), help="cache and work directory")
    parser.add_argument("--out", default=str(PROJECT_ROOT / "BENCHMARKS.md"), help="report to update")
    parser.add_argument("--render", metavar="RESULTS_JSON", help="only rewrite the report from a saved run")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m fundinggraph.bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    add_arguments(parser)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks of the chosen mode and update BENCHMARKS.md."""
    return run(build_parser().parse_args(argv))


def run(args: argparse.Namespace) -> int:
    """Run the benchmarks the parsed options ask for and update the report."""
    if args.render:
        write_report(json.loads(Path(args.render).read_text()), Path(args.out).resolve())
        return 0
    mode = "quick" if args.quick else "full" if args.full else "default"
    default_stacks = "gunicorn:2:4,gunicorn:4:4,gunicorn:2:1,gunicorn:4:1" + (
        ",granian:2:4,granian:4:2" if granian_binary() else "") if mode == "full" else "gunicorn:2:4"
    plan = Plan(
        mode=mode,
        load_sizes=["0.1M", "1M", "5M"] if mode == "full" else ["0.1M", "1M"],
        serve_sets={"quick": [], "default": ["1M"], "full": ["5M"]}[mode],
        seconds=args.seconds or {"quick": 4.0, "default": 8.0, "full": 15.0}[mode],
        page_seconds={"quick": 3.0, "default": 5.0, "full": 8.0}[mode],
        connections=args.connections,
        repeats=args.repeats or (3 if mode == "full" else 1),
        stacks=parse_stacks(args.stacks or default_stacks),
        cache=Path(args.cache).resolve(),
        out=Path(args.out).resolve(),
    )
    started = time.monotonic()
    plan.cache.mkdir(parents=True, exist_ok=True)
    plan.results["machine"] = machine()
    plan.results["plan"] = {"connections": plan.connections, "seconds": plan.seconds,
                             "page_seconds": plan.page_seconds, "first_stack": plan.stacks[0].name,
                             "stacks": [stack.name for stack in plan.stacks]}
    plan.results["generator"] = "wrk (2 threads)" if loadgen.wrk_available() else "Python threads (wrk not installed)"
    plan.results["command"] = "python -m fundinggraph.bench" + (f" --{mode}" if mode != "default" else "")
    if args.only != "serve":
        bench_loading(plan)
    real_dir = bench_real_load(plan)
    if args.only != "load":
        for dataset in datasets(plan, real_dir):
            bench_serving(plan, dataset)
    plan.results["loadavg_end"] = os.getloadavg()
    plan.results["minutes"] = (time.monotonic() - started) / 60
    plan.results["finished"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    results_dir = plan.cache / "results"
    results_dir.mkdir(exist_ok=True)
    (results_dir / f"{time.strftime('%Y%m%dT%H%M%S')}-{mode}.json").write_text(
        json.dumps(plan.results, indent=1, default=str))
    write_report(plan.results, plan.out)
    _log(f"done in {plan.results['minutes']:.1f} min; report in {plan.out}")
    return 0
