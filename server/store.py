"""The store handle of this process, opened lazily (after a server forks its workers)."""

from __future__ import annotations

import threading

from flask import Flask, current_app

from fundinggraph.config import Settings
from fundinggraph.store.backend import Backend, open_backend

_LOCK = threading.Lock()


def init_app(app: Flask) -> None:
    app.extensions["fundinggraph.backend"] = None


def backend() -> Backend:
    """The backend of the current app, opened on first use in this process."""
    ext = current_app.extensions
    handle = ext.get("fundinggraph.backend")
    if handle is None:
        with _LOCK:
            handle = ext.get("fundinggraph.backend")
            if handle is None:
                handle = open_backend(settings())
                ext["fundinggraph.backend"] = handle
    return handle


def settings() -> Settings:
    """The settings the app was created with."""
    return current_app.config["SETTINGS"]
