"""Production serving: gunicorn with several workers, each opening the store after the fork.

The store is never opened before forking (a store opened by the master crashed workers at shutdown),
so the app is created in each worker (no ``preload_app``). ``wsgi:app`` style entry for other servers:
``server.wsgi:application``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask

from fundinggraph.config import Settings


def serve(settings: Settings, factory: Callable[[Settings], Flask]) -> int:
    """Run gunicorn (or granian, setting ``server``) in the foreground with the workers and threads of ``settings``."""
    if settings.server == "granian":
        return serve_granian(settings)
    import gunicorn
    from gunicorn.app.base import BaseApplication

    # No server software and version in the Server header.
    gunicorn.SERVER = "fundinggraph"
    gunicorn.SERVER_SOFTWARE = "fundinggraph"

    class Application(BaseApplication):
        def load_config(self) -> None:
            options: dict[str, Any] = {
                "bind": f"{settings.host}:{settings.port}",
                "workers": settings.workers,
                "threads": settings.threads,
                "worker_class": "gthread" if settings.threads > 1 else "sync",
                "preload_app": False,
                "timeout": max(30, int(settings.query_timeout * 3)),
                "graceful_timeout": 10,
                "keepalive": 5,
                "accesslog": None,
                "errorlog": "-",
                "loglevel": "warning",
                "limit_request_line": 8190,
            }
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Flask:
            return factory(settings)

    print(f"serving on http://{settings.host}:{settings.port}/ "
          f"({settings.workers} workers x {settings.threads} threads, backend {settings.backend})", flush=True)
    Application().run()
    return 0


def serve_granian(settings: Settings) -> int:
    """Run granian (WSGI) in the foreground; its workers build the app from the exported settings."""
    import os

    try:
        from granian import Granian
        from granian.constants import Interfaces
    except ImportError:
        raise SystemExit("error: setting server is 'granian' but granian is not installed "
                         "(pip install -e . installs it)") from None

    from fundinggraph import config

    # Workers are separate processes that call :func:`application`, which reads the environment: pass
    # every effective setting (CLI flags included) that way.
    for env, _, _ in config.describe():
        value = getattr(settings, env[len(config.ENV_PREFIX):].lower())
        os.environ[env] = ",".join(value) if isinstance(value, tuple) else str(value)
    print(f"serving on http://{settings.host}:{settings.port}/ (granian, {settings.workers} workers x "
          f"{settings.threads} threads, backend {settings.backend})", flush=True)
    Granian("server.wsgi:application", address=settings.host, port=settings.port, interface=Interfaces.WSGI,
            workers=settings.workers, blocking_threads=settings.threads, websockets=False,
            log_level="warning", respawn_failed_workers=True).serve()
    return 0


def application(environ: dict[str, Any], start_response: Callable) -> Any:
    """WSGI entry point for other servers (settings from the environment), created on first call."""
    global _app
    if _app is None:
        from server import create_app

        _app = create_app()

    def start(status: str, headers: list[tuple[str, str]], *exc_info: Any) -> Any:
        # Other servers name themselves (granian does); say only who we are.
        if not any(name.lower() == "server" for name, _ in headers):
            headers = [*headers, ("Server", "fundinggraph")]
        return start_response(status, headers, *exc_info)

    return _app(environ, start)


_app: Flask | None = None
