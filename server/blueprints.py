"""Every blueprint of the site, registered in this order (one module per concern)."""

from __future__ import annotations

import importlib

from flask import Flask

#: Modules that define ``bp`` (a :class:`flask.Blueprint`); add new concerns here.
BLUEPRINTS: tuple[str, ...] = (
    "server.ui",
    "server.flows",
    "server.entities",
    "server.search",
    "server.sparql",
    "server.dataset",
    "server.queries",
    "server.api",
)


def register_all(app: Flask) -> None:
    """Import each blueprint module and register its ``bp``."""
    for name in BLUEPRINTS:
        module = importlib.import_module(name)
        app.register_blueprint(module.bp)
        init = getattr(module, "init_app", None)
        if init is not None:
            init(app)
