"""A bounded load test: many clients on a mix of SPARQL, canned queries, pages and search, with a reload.

Every answer is checked (known figures from :mod:`fundinggraph.bench.checks`, pages that must name what
they show); the run stops by itself after ``seconds``. ``make loadtest`` runs it for 60 s through
tests/load (which also starts the server and does the reload); the summary goes to BENCHMARKS.md between
the ``loadtest:begin`` and ``loadtest:end`` markers.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from fundinggraph.bench.checks import SELECT_JSON, contains, sparql_path, spot_checks
from fundinggraph.bench.loadgen import MixRun, Request, Result

BEGIN, END = "<!-- loadtest:begin -->", "<!-- loadtest:end -->"

WHO_FUNDS_WHOM_2023 = """SELECT ?funder ?recipient (SUM(?amount) AS ?total) WHERE {
  ?flow a fg:FundingFlow ; fg:funder ?funder ; fg:recipient ?recipient ; fg:amount ?amount ;
        fg:amountType amount:granted ; fg:year "2023"^^xsd:gYear .
} GROUP BY ?funder ?recipient ORDER BY DESC(?total)"""


def _status_ok(status: int, body: bytes) -> str | None:
    return None if status == 200 and body else f"HTTP {status}, {len(body)} bytes"


def _available(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=60):
            return True
    except urllib.error.HTTPError as exc:
        return exc.code < 400
    except OSError:
        return False


def request_mix(server_url: str, base_iri: str) -> tuple[list[Request], list[str]]:
    """The requests of the load test, and the parts of the site it could not include (not served)."""
    mix = [Request(s.name, s.path, {"Accept": s.accept}, s.check, weight=2) for s in spot_checks(base_iri)]
    mix += [
        Request("sparql: who funds whom 2023", sparql_path(WHO_FUNDS_WHOM_2023), {"Accept": SELECT_JSON},
                contains(base_iri + "id/organisation/dyzo", '"585000"')),
        Request("page: VLAIO", "/id/organisation/vlaio", {"Accept": "text/html"}, contains("VLAIO")),
        Request("page: home", "/", {"Accept": "text/html"}, _status_ok),
        Request("search: klimaat", "/search?q=klimaat", {"Accept": "text/html"}, _status_ok),
        Request("health", "/healthz", {"Accept": "application/json"}, contains('"ok":true')),
    ]
    missing = []
    canned = [
        Request("canned: who funds whom VLAIO 2023 (JSON)",
                "/queries/who-funds-whom?funder=vlaio&year=2023", {"Accept": "application/json"},
                contains(base_iri + "id/organisation/dyzo")),
        Request("canned: who funds whom VLAIO 2023 (HTML)",
                "/queries/who-funds-whom?funder=vlaio&year=2023", {"Accept": "text/html"}, contains("Dyzo")),
        Request("flows: 2023", "/flows?year=2023", {"Accept": "text/html"}, _status_ok),
    ]
    for request in canned:
        if _available(server_url + request.path):
            mix.append(request)
        else:
            missing.append(f"{request.name} (`{request.path}` not served)")
    return mix, missing


@dataclass
class LoadReport:
    """What a load test run saw."""

    seconds: float
    clients: int
    total: Result
    per_request: dict[str, Result]
    reloads: list[tuple[float, int, float]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    server: str = "gunicorn"

    @property
    def clean(self) -> bool:
        return self.total.errors == 0 and self.total.wrong == 0 and self.total.non_2xx == 0

    def markdown(self) -> str:
        """A BENCHMARKS.md section."""
        t = self.total
        reloads = "; ".join(f"at {at:.0f} s (exit {code}, {took:.1f} s)" for at, code, took in self.reloads)
        lines = [
            BEGIN,
            f"### Load test ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, `make loadtest`)",
            "",
            f"{self.clients} concurrent clients (Python threads, keep-alive) for {self.seconds:.0f} s on "
            f"loopback against `fundinggraph serve` ({self.server}) on the real graph, with `fundinggraph load "
            f"--force` {reloads or 'never'}. {t.requests:,} requests, {t.rps:,.0f} req/s; server errors "
            f"{t.errors}, other non-2xx {t.non_2xx}, wrong answers {t.wrong}. Latency p50 {t.p50_ms:.1f} ms, "
            f"p95 {t.p95_ms:.1f} ms, p99 {t.p99_ms:.1f} ms, max {t.max_ms:.0f} ms.",
            "",
            "| request | count | p50 ms | p95 ms | p99 ms | max ms |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for name, r in self.per_request.items():
            lines.append(f"| {name} | {r.requests:,} | {r.p50_ms:.1f} | {r.p95_ms:.1f} | {r.p99_ms:.1f} | "
                         f"{r.max_ms:.0f} |")
        if self.missing:
            lines += ["", "Not in the mix because the site does not serve them yet: " + "; ".join(self.missing) + "."]
        if t.failures:
            lines += ["", "First failures: " + "; ".join(f"`{f[:160]}`" for f in t.failures[:5])]
        lines.append(END)
        return "\n".join(lines)


def warm_up(server_url: str, mix: list[Request], rounds: int = 4) -> None:
    """Ask each request a few times, one at a time, so every worker has opened the store (not timed)."""
    for _ in range(rounds):
        for request in mix:
            try:
                with urllib.request.urlopen(urllib.request.Request(server_url + request.path,
                                                                   headers=request.headers), timeout=120):
                    pass
            except urllib.error.HTTPError:
                pass  # counted in the run proper


def run(server_url: str, base_iri: str, *, seconds: float, clients: int,
        reload: Callable[[], int] | None = None, reload_at: tuple[float, ...] = (0.5,),
        server: str = "gunicorn") -> LoadReport:
    """Run the mix against ``server_url``; call ``reload`` at the given fractions of the run."""
    mix, missing = request_mix(server_url, base_iri)
    warm_up(server_url, mix)
    generator = MixRun(server_url, mix, clients=clients, seconds=seconds)
    reloads: list[tuple[float, int, float]] = []

    def during() -> None:
        started = time.monotonic()
        for fraction in reload_at if reload else ():
            wait = started + fraction * seconds - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            t0 = time.monotonic()
            code = reload()  # type: ignore[misc]
            reloads.append((t0 - started, code, time.monotonic() - t0))

    generator.run(during)
    per = {r.name: generator.result(r.name) for r in mix}
    return LoadReport(seconds=generator.elapsed, clients=clients, total=generator.result(), per_request=per,
                      reloads=reloads, missing=missing, server=server)


def update_report(path: Path, section: str) -> None:
    """Put ``section`` between the load-test markers of ``path`` (appended when they are missing)."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    if BEGIN in text and END in text:
        text = text[: text.index(BEGIN)] + section + text[text.index(END) + len(END):]
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    path.write_text(text, encoding="utf-8")
