"""Helpers for tests that start real server processes: a free port, and waiting until a URL answers.

A module with a unique name (not ``conftest``): with several ``conftest.py`` files, ``from conftest import``
gets whichever was imported last.
"""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path


def free_port() -> int:
    """A TCP port on loopback that nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, proc: subprocess.Popen | None = None, timeout: float = 60.0, log: Path | None = None) -> None:
    """Wait until ``url`` answers (any HTTP status), or fail with the server's output."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            out = log.read_text(errors="replace") if log else ""
            raise RuntimeError(f"server exited with {proc.returncode}:\n{out}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {timeout} s")
