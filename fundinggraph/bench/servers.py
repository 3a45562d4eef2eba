"""Real servers on loopback for benchmarks and fault tests: ours (gunicorn or granian) and ``oxigraph``.

Every server is a child process on a free port, started and stopped by the code that needs it (use
``with``). Output goes to a log file: a pipe nobody reads would block the server once full.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from fundinggraph.config import PROJECT_ROOT

#: The project's command line, run by the current interpreter.
CLI = [sys.executable, "-m", "fundinggraph"]


def cli_env(data_dir: Path, sources: Path | None = None, **extra: str) -> dict[str, str]:
    """Environment for a ``fundinggraph`` child process on ``data_dir`` (and optionally other sources)."""
    env = dict(os.environ, FUNDINGGRAPH_DATA_DIR=str(data_dir), **extra)
    if sources is not None:
        env["FUNDINGGRAPH_SOURCES_DIR"] = str(sources)
    return env


def current_version(data_dir: Path) -> str:
    """The version name ``<data_dir>/current`` points to."""
    return Path(os.readlink(data_dir / "current")).name


def free_port() -> int:
    """A TCP port on loopback that nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def oxigraph_binary() -> str | None:
    """The ``oxigraph`` CLI of this environment (PyPI package ``oxigraph``), if installed."""
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.exists() else shutil.which("oxigraph")


def granian_binary() -> str | None:
    """The ``granian`` server of this environment, if installed."""
    beside = Path(sys.executable).parent / "granian"
    return str(beside) if beside.exists() else shutil.which("granian")


@dataclass
class Stack:
    """How our app is served: ``gunicorn`` (gthread when threads > 1, else sync) or ``granian``."""

    server: str = "gunicorn"
    workers: int = 2
    threads: int = 4

    @property
    def name(self) -> str:
        if self.server == "gunicorn":
            kind = "gthread" if self.threads > 1 else "sync"
            return f"gunicorn {kind} {self.workers}w" + (f"x{self.threads}t" if self.threads > 1 else "")
        return f"{self.server} {self.workers}w" + (f"x{self.threads}t" if self.threads > 1 else "")


@dataclass
class ServerProcess:
    """A child process serving HTTP on ``url``; a context manager that stops it."""

    cmd: list[str]
    port: int
    log: Path
    env: dict[str, str] = field(default_factory=dict)
    ready_path: str = "/"
    proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 90.0) -> ServerProcess:
        """Start the process and wait until ``ready_path`` answers."""
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log, "w") as out:
            # A new session: stopping it reaches the server's own children (gunicorn workers).
            self.proc = subprocess.Popen(self.cmd, cwd=PROJECT_ROOT, env={**os.environ, **self.env},
                                         stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.cmd[0]} exited with {self.proc.returncode}:\n"
                                   + self.log.read_text(errors="replace")[-3000:])
            try:
                with urllib.request.urlopen(self.url + self.ready_path, timeout=5):
                    return self
            except urllib.error.HTTPError:
                return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{self.url}{self.ready_path} did not answer within {timeout} s")

    def stop(self) -> None:
        """Stop the server and its workers (TERM, then KILL after 15 s)."""
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def __enter__(self) -> ServerProcess:
        return self.start() if self.proc is None else self

    def __exit__(self, *exc) -> None:
        self.stop()


def our_server(data_dir: Path, log_dir: Path, stack: Stack | None = None,
               env: dict[str, str] | None = None) -> ServerProcess:
    """``fundinggraph serve`` (gunicorn or granian, as ``stack`` says) on the store under ``data_dir``."""
    stack = stack or Stack()
    port = free_port()
    full_env = {"FUNDINGGRAPH_DATA_DIR": str(data_dir), "FUNDINGGRAPH_PORT": str(port),
                "FUNDINGGRAPH_HOST": "127.0.0.1", "FUNDINGGRAPH_WORKERS": str(stack.workers),
                "FUNDINGGRAPH_THREADS": str(stack.threads), **(env or {})}
    if stack.server == "granian" and granian_binary() is None:
        raise RuntimeError("granian is not installed (pip install granian)")
    full_env["FUNDINGGRAPH_SERVER"] = stack.server
    cmd = [sys.executable, "-m", "fundinggraph", "serve"]
    return ServerProcess(cmd, port, log_dir / f"ours-{port}.log", full_env, ready_path="/healthz")


def oxigraph_server(store_path: Path, log_dir: Path) -> ServerProcess:
    """``oxigraph serve-read-only`` on the store directory ``store_path`` (the anchor)."""
    binary = oxigraph_binary()
    if binary is None:
        raise RuntimeError("the oxigraph CLI is not installed (pip install oxigraph)")
    port = free_port()
    cmd = [binary, "serve-read-only", "--location", str(store_path), "--bind", f"127.0.0.1:{port}"]
    return ServerProcess(cmd, port, log_dir / f"oxigraph-{port}.log", ready_path="/query?query=ASK%7B%7D")
