"""Load generators on loopback, bounded in time: wrk (Debian package) or a Python thread pool.

Both report the same :class:`Result` (requests per second and latency percentiles). wrk is preferred
because it is much lighter than any Python client on the same two cores; the Python generator is the
fallback and checks every answer (used by the load test, where correctness matters more than rate).
"""

from __future__ import annotations

import http.client
import json
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

#: Lines a generator may add to its report (why a request failed), at most this many.
MAX_FAILURES_KEPT = 20


@dataclass
class Result:
    """Throughput and latency of one bounded run against one URL."""

    generator: str
    seconds: float
    requests: int
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    errors: int = 0
    non_2xx: int = 0
    wrong: int = 0
    failures: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def wrk_available() -> bool:
    """True when the ``wrk`` binary is on the PATH."""
    return shutil.which("wrk") is not None


_WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRKJSON {\\"requests\\":%d,\\"duration_us\\":%d,\\"p50\\":%d,\\"p95\\":%d,\\"p99\\":%d,\\"max\\":%d," ..
    "\\"connect\\":%d,\\"read\\":%d,\\"write\\":%d,\\"status\\":%d,\\"timeout\\":%d}\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
"""


#: Makes every request distinct: a SPARQL comment line ``#<thread>-<n>`` after the query, so no result
#: cache can answer it while the query (and its answer) stay the same.
_WRK_VARY = """
local made = 0
setup = function(thread)
  made = made + 1
  thread:set("tid", made)
end
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format(nil, wrk.path .. "%0A%23" .. tostring(tid) .. "-" .. tostring(counter))
end
"""


def run_wrk(url: str, *, seconds: float, connections: int = 16, threads: int = 2,
            headers: dict[str, str] | None = None, timeout: float = 30.0, vary: bool = False) -> Result:
    """Run wrk against ``url`` for ``seconds`` (keep-alive connections, GET).

    ``vary`` appends a distinct SPARQL comment to every request (``url`` must end in a query parameter).
    """
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_WRK_SCRIPT + (_WRK_VARY if vary else ""))
    try:
        cmd = ["wrk", "-t", str(threads), "-c", str(max(connections, threads)), "-d", f"{seconds:g}s",
               "--timeout", f"{timeout:g}s", "-s", script.name]
        for key, value in (headers or {}).items():
            cmd += ["-H", f"{key}: {value}"]
        cmd.append(url)
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + timeout + 30)
    finally:
        Path(script.name).unlink(missing_ok=True)
    line = next((x for x in proc.stdout.splitlines() if x.startswith("WRKJSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no result ({proc.returncode}): {proc.stdout}\n{proc.stderr}")
    data = json.loads(line[len("WRKJSON "):])
    duration = data["duration_us"] / 1e6
    errors = data["connect"] + data["read"] + data["write"] + data["timeout"]
    return Result(
        generator="wrk", seconds=duration, requests=data["requests"], rps=data["requests"] / duration,
        p50_ms=data["p50"] / 1000, p95_ms=data["p95"] / 1000, p99_ms=data["p99"] / 1000,
        max_ms=data["max"] / 1000, errors=errors, non_2xx=data["status"],
    )


Check = Callable[[int, bytes], str | None]


@dataclass
class Request:
    """One kind of request in a mix: a GET of ``path`` whose answer ``check`` accepts (None = fine)."""

    name: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    check: Check | None = None
    weight: int = 1


def _percentile(sorted_values: list[float], pct: float) -> float:
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, max(0, round(pct / 100 * len(sorted_values) + 0.5) - 1))
    return sorted_values[index]


def summarise(generator: str, seconds: float, latencies: list[float], errors: int, non_2xx: int,
              wrong: int, failures: list[str]) -> Result:
    """A :class:`Result` from raw latencies in seconds."""
    ordered = sorted(latencies)
    ms = [x * 1000 for x in ordered]
    return Result(generator=generator, seconds=seconds, requests=len(ordered),
                  rps=len(ordered) / seconds if seconds else 0.0, p50_ms=_percentile(ms, 50),
                  p95_ms=_percentile(ms, 95), p99_ms=_percentile(ms, 99), max_ms=ms[-1] if ms else 0.0,
                  errors=errors, non_2xx=non_2xx, wrong=wrong, failures=failures[:MAX_FAILURES_KEPT])


class MixRun:
    """A closed-loop generator: ``clients`` threads, each with a keep-alive connection, for ``seconds``.

    Each client walks the weighted mix in its own order. Every answer is checked: a status >= 500 or
    a connection error is an error, another non-2xx a ``non_2xx``, a failed ``check`` a ``wrong``.
    Latencies are kept per request name.
    """

    def __init__(self, base_url: str, mix: list[Request], *, clients: int, seconds: float,
                 request_timeout: float = 30.0, max_requests: int = 10_000_000):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.mix = [r for r in mix for _ in range(max(1, r.weight))]
        self.clients = clients
        self.seconds = seconds
        self.request_timeout = request_timeout
        self.max_requests = max_requests
        self._lock = threading.Lock()
        self.latencies: dict[str, list[float]] = {r.name: [] for r in mix}
        self.errors = 0
        self.non_2xx = 0
        self.wrong = 0
        self.failures: list[str] = []
        self._sent = 0
        self.elapsed = 0.0

    def _fail(self, kind: str, message: str) -> None:
        with self._lock:
            setattr(self, kind, getattr(self, kind) + 1)
            if len(self.failures) < MAX_FAILURES_KEPT:
                self.failures.append(message)

    def _client(self, offset: int, deadline: float) -> None:
        conn: http.client.HTTPConnection | None = None
        i = offset
        while time.monotonic() < deadline:
            with self._lock:
                if self._sent >= self.max_requests:
                    break
                self._sent += 1
            request = self.mix[i % len(self.mix)]
            i += 7  # a stride coprime with most mix sizes, so clients interleave the kinds
            if conn is None:
                conn = http.client.HTTPConnection(self.host, self.port, timeout=self.request_timeout)
            t0 = time.perf_counter()
            try:
                conn.request("GET", request.path, headers=request.headers)
                response = conn.getresponse()
                body = response.read()
                status = response.status
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException) as exc:
                self._fail("errors", f"{request.name}: {type(exc).__name__}: {exc}")
                if conn is not None:
                    conn.close()
                conn = None
                continue
            took = time.perf_counter() - t0
            with self._lock:
                self.latencies[request.name].append(took)
            if status >= 500:
                self._fail("errors", f"{request.name}: HTTP {status}: {body[:200]!r}")
            elif status >= 300:
                self._fail("non_2xx", f"{request.name}: HTTP {status}: {body[:200]!r}")
            elif request.check is not None:
                problem = request.check(status, body)
                if problem:
                    self._fail("wrong", f"{request.name}: {problem}")
        if conn is not None:
            conn.close()

    def run(self, during: Callable[[], None] | None = None) -> MixRun:
        """Run the clients until the time is up; ``during`` runs in this thread meanwhile (a reload)."""
        started = time.monotonic()
        deadline = started + self.seconds
        threads = [threading.Thread(target=self._client, args=(n, deadline), daemon=True)
                   for n in range(self.clients)]
        for thread in threads:
            thread.start()
        if during is not None:
            during()
        for thread in threads:
            thread.join(self.seconds + self.request_timeout + 10)
        self.elapsed = time.monotonic() - started
        return self

    def result(self, name: str | None = None) -> Result:
        """The summary of one request kind, or of all of them."""
        values = self.latencies[name] if name else [x for v in self.latencies.values() for x in v]
        errors = self.errors if name is None else 0
        return summarise("python", self.elapsed, values, errors, self.non_2xx if name is None else 0,
                         self.wrong if name is None else 0, self.failures if name is None else [])


def run_python(url: str, *, seconds: float, connections: int = 8, headers: dict[str, str] | None = None,
               check: Check | None = None) -> Result:
    """The fallback of :func:`run_wrk`: ``connections`` Python threads on keep-alive connections."""
    parts = urlsplit(url)
    path = parts.path + ("?" + parts.query if parts.query else "")
    base = f"{parts.scheme}://{parts.netloc}"
    run = MixRun(base, [Request("url", path, headers or {}, check)], clients=connections, seconds=seconds).run()
    return run.result()


def run_load(url: str, *, seconds: float, connections: int, headers: dict[str, str] | None = None,
             vary: bool = False) -> Result:
    """wrk when installed, else the Python generator (``vary``: see :func:`run_wrk`)."""
    if wrk_available():
        return run_wrk(url, seconds=seconds, connections=connections, headers=headers, vary=vary)
    if vary:
        raise RuntimeError("distinct requests need wrk (make bench-deps)")
    return run_python(url, seconds=seconds, connections=connections, headers=headers)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0
