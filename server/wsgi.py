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
    """Run gunicorn in the foreground with the workers and threads of ``settings``."""
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


def application(environ: dict[str, Any], start_response: Callable) -> Any:
    """WSGI entry point for other servers (settings from the environment), created on first call."""
    global _app
    if _app is None:
        from server import create_app

        _app = create_app()
    return _app(environ, start_response)


_app: Flask | None = None
