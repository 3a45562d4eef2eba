"""The web tier: a Flask app factory and one blueprint per concern.

``create_app(settings)`` builds the app; nothing is opened at import time. The store is reached through
:func:`server.store.backend` (one :class:`~fundinggraph.store.backend.Backend` per process).
"""

from __future__ import annotations

from typing import Any

from flask import Flask

from fundinggraph import config
from fundinggraph.config import Settings


def create_app(settings: Settings | None = None, test_config: dict[str, Any] | None = None) -> Flask:
    """Create the web application for ``settings`` (default: from the environment)."""
    app = Flask(__name__, static_folder="static", template_folder="templates")
    app.config["SETTINGS"] = settings or config.from_env()
    app.config["MAX_CONTENT_LENGTH"] = app.config["SETTINGS"].max_request_bytes
    app.json.sort_keys = False
    if test_config:
        app.config.update(test_config)

    from server import errors, i18n, security, store

    store.init_app(app)
    errors.init_app(app)
    security.init_app(app)
    i18n.init_app(app)

    from server.blueprints import register_all

    register_all(app)
    return app
