"""Shared fixtures: the real graph built from the real sources, in a real Oxigraph store."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import Store

from fundinggraph import config
from fundinggraph.namespaces import sparql_prologue

ROOT = Path(__file__).resolve().parent.parent

# Property-based tests run the same examples on every run (no flaky CI by the luck of a seed) and have no
# per-example deadline (the machine is shared; speed belongs in benchmarks). `HYPOTHESIS_PROFILE=explore`
# searches new examples locally.
from hypothesis import settings as _hypothesis_settings  # noqa: E402

_hypothesis_settings.register_profile("ci", derandomize=True, deadline=None)
_hypothesis_settings.register_profile("explore", deadline=None, max_examples=500)
_hypothesis_settings.load_profile(__import__("os").environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> config.Settings:
    """Default settings with a private data directory."""
    return config.from_env(environ={}, data_dir=str(tmp_path_factory.mktemp("data")))


@pytest.fixture(scope="session")
def built(settings: config.Settings):
    """The complete graph built from sources/ (in memory), once per test session."""
    from loaders.pipeline import build

    return build(settings)


@pytest.fixture(scope="session")
def graph(built) -> Store:
    """The in-memory Oxigraph store holding the complete graph."""
    return built.store


@pytest.fixture(scope="session")
def sparql(graph: Store):
    """Run a SELECT/ASK with all our prefixes; SELECT rows come back as dicts of Python values."""

    def run(query: str, **bindings):
        from pyoxigraph import Variable

        result = graph.query(
            sparql_prologue() + query, substitutions={Variable(k): v for k, v in bindings.items()} or None
        )
        if isinstance(result, bool) or type(result).__name__ == "QueryBoolean":
            return bool(result)
        rows = []
        for solution in result:
            rows.append({v.value: (solution[v].value if solution[v] is not None else None) for v in result.variables})
        return rows

    return run


# -- the served site ----------------------------------------------------------------------------------
import os  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import urllib.request  # noqa: E402

from liveprocess import free_port, wait_for  # noqa: E402 - fixtures below and older imports use them


@pytest.fixture(scope="session")
def published(built, settings: config.Settings) -> config.Settings:
    """Settings whose data directory holds the built graph, published as the current version."""
    from pyoxigraph import RdfFormat

    from fundinggraph.store import EmbeddedStores

    stores = EmbeddedStores(settings)
    with stores.lock(wait=True):
        stores.publish(built.store.dump(format=RdfFormat.N_QUADS))
    return settings


class BackgroundProcess:
    """A server process started by a fixture; ``stop`` terminates it (and kills it if it hangs)."""

    proc: subprocess.Popen

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class ServerProcess(BackgroundProcess):
    """A real ``fundinggraph serve`` process on loopback (gunicorn), stopped at the end of the session."""

    def __init__(self, data_dir: str, extra_env: dict[str, str] | None = None, args: tuple[str, ...] = (),
                 log_dir: Path | None = None):
        self.port = free_port()
        # Output goes to a file (a pipe nobody reads would block the server once full).
        self.log = Path(log_dir or data_dir) / f"server-{self.port}.log"
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, FUNDINGGRAPH_DATA_DIR=data_dir, FUNDINGGRAPH_PORT=str(self.port),
                   FUNDINGGRAPH_HOST="127.0.0.1", **(extra_env or {}))
        with open(self.log, "w") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "fundinggraph", "serve", *args], cwd=ROOT, env=env,
                stdout=out, stderr=subprocess.STDOUT,
            )
        wait_for(self.url + "/healthz", self.proc, log=self.log)



@pytest.fixture(scope="session")
def start_server(published: config.Settings):
    """Start extra servers on the published data: ``start_server({"FUNDINGGRAPH_ADMIN_TOKEN": "x"})``."""
    servers: list[ServerProcess] = []

    def start(extra_env: dict[str, str] | None = None, *args: str, data_dir: str | None = None) -> ServerProcess:
        server = ServerProcess(data_dir or str(published.data_dir), extra_env, args)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def live_server(start_server) -> str:
    """Base URL (``http://127.0.0.1:<port>``) of the real site served by gunicorn on the published data."""
    return start_server().url


@pytest.fixture(scope="session")
def app(published: config.Settings):
    """The Flask app on the published data, in process (for narrow tests; prefer ``live_server``)."""
    from server import create_app

    return create_app(published, {"TESTING": True})


@pytest.fixture()
def client(app):
    return app.test_client()


# -- real `oxigraph serve` processes (remote backend, federation, link discovery) ----------------------
import urllib.parse  # noqa: E402

OXIGRAPH = Path(sys.executable).with_name("oxigraph")


class OxigraphProcess(BackgroundProcess):
    """A real ``oxigraph serve`` on loopback with its data in ``location``; endpoints as attributes."""

    def __init__(self, location: Path, *args: str):
        self.location = location
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.query_url, self.update_url, self.store_url = (self.url + "/query", self.url + "/update",
                                                           self.url + "/store")
        self.log = location.parent / f"oxigraph-{self.port}.log"
        with open(self.log, "w") as out:
            self.proc = subprocess.Popen(
                [str(OXIGRAPH), "serve", "--location", str(location), "--bind", f"127.0.0.1:{self.port}", *args],
                stdout=out, stderr=subprocess.STDOUT,
            )
        wait_for(self.url + "/query?query=ASK%7B%7D", self.proc, log=self.log)

    def load_turtle(self, path: Path, graph: str | None = None) -> None:
        """Add a Turtle file to the default graph (or ``graph``) through the Graph Store Protocol."""
        target = self.store_url + ("?default" if graph is None else "?graph=" + urllib.parse.quote(graph, safe=""))
        request = urllib.request.Request(target, data=path.read_bytes(), method="POST",
                                         headers={"Content-Type": "text/turtle"})
        with urllib.request.urlopen(request, timeout=30):
            pass



@pytest.fixture(scope="session")
def start_oxigraph(tmp_path_factory: pytest.TempPathFactory):
    """Start real ``oxigraph serve`` processes (each on an empty store, ``start("--timeout-s", "5")``
    passes options); all are stopped at the end."""
    started: list[OxigraphProcess] = []

    def start(*args: str) -> OxigraphProcess:
        server = OxigraphProcess(tmp_path_factory.mktemp("oxigraph") / "store", *args)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


# -- headless Chromium ----------------------------------------------------------------------------------
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium (Debian's, driven by Playwright) for the whole session.

    One Playwright instance per process: a second ``sync_playwright()`` while the first runs fails
    ("Sync API inside the asyncio loop"), so every browser test shares this fixture.
    """
    import shutil

    executable = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    if not executable:
        pytest.fail("Debian chromium is required for the browser tests (make browser-deps)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()
