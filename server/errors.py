"""One error shape for the whole site, and one handler.

Every error answers with the same JSON body (``{"ok": false, "status": 400, "error": "...", ...}``),
an HTML page when a browser asks for one, or plain text for clients that accept neither (a CSV
download, say). Server bugs stay 500s with a generic message: nothing turns them into 4xx, and no
traceback or server version leaks out.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app, json, render_template, request
from werkzeug.exceptions import HTTPException

from fundinggraph.store.embedded import StoreError


class APIError(Exception):
    """An error the client should see: ``status`` and a message saying what is wrong."""

    status = 400

    def __init__(self, message: str, status: int | None = None, **details: Any):
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
        self.details = details
        self.headers: dict[str, str] = {}


class BadRequest(APIError):
    status = 400


class Forbidden(APIError):
    status = 403


class NotFound(APIError):
    status = 404


class NotAcceptable(APIError):
    status = 406


class PayloadTooLarge(APIError):
    status = 413


class Unavailable(APIError):
    """The service cannot answer now (no data loaded, a limit hit); the client may retry."""

    status = 503


def wants_html() -> bool:
    """True when the client prefers an HTML page over JSON (a browser)."""
    # JSON first: a bare */* (curl, scripts) gets JSON; a browser's Accept ranks text/html higher.
    return request.accept_mimetypes.best_match(["application/json", "text/html"], default=None) == "text/html"


def error_response(status: int, message: str, headers: dict[str, str] | None = None, **details: Any) -> Response:
    """The error in the representation the client accepts."""
    body: dict[str, Any] = {"ok": False, "status": status, "error": message, **details}
    if wants_html():
        html = render_template("error.html", status=status, message=message, details=details)
        response = Response(html, status=status, mimetype="text/html")
    elif request.accept_mimetypes.accept_json or "*/*" in request.accept_mimetypes.values() or not request.accept_mimetypes:
        response = Response(json.dumps(body) + "\n", status=status, mimetype="application/json")
    else:
        response = Response(f"Error {status}: {message}\n", status=status, mimetype="text/plain")
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def init_app(app: Flask) -> None:
    @app.errorhandler(APIError)
    def _api_error(exc: APIError) -> Response:
        return error_response(exc.status, exc.message, exc.headers, **exc.details)

    @app.errorhandler(StoreError)
    def _store_error(exc: StoreError) -> Response:
        return error_response(503, str(exc), {"Retry-After": "10"})

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response:
        code = exc.code or 500
        message = exc.description or exc.name
        if code == 413:
            limit = current_app.config["SETTINGS"].max_request_bytes
            message = f"the request is larger than the limit of {limit} bytes (setting max_request_bytes)"
        response = error_response(code, message)
        if code == 405 and getattr(exc, "valid_methods", None):
            response.headers["Allow"] = ", ".join(exc.valid_methods)
        return response

    @app.errorhandler(Exception)
    def _bug(exc: Exception) -> Response:
        current_app.logger.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(500, "internal error; it has been logged")
