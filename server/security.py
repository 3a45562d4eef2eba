"""Security and caching headers on every response, and CORS for the machine-facing routes."""

from __future__ import annotations

from flask import Flask, Response, request

#: Paths answered to any origin (read-only data APIs); pages keep the default same-origin policy.
CORS_PREFIXES = ("/sparql", "/id/", "/queries", "/api/", "/search", "/openapi.json", "/.well-known/", "/catalog", "/def")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


def init_app(app: Flask) -> None:
    @app.after_request
    def _headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        if response.mimetype == "text/html":
            headers.setdefault("Content-Security-Policy", CSP)
            headers.setdefault("X-Frame-Options", "DENY")
            headers.setdefault("Referrer-Policy", "same-origin")
        if request.path.startswith(CORS_PREFIXES):
            headers["Access-Control-Allow-Origin"] = "*"
            headers["Access-Control-Expose-Headers"] = (
                "Content-Type, Content-Length, Link, ETag, Retry-After, Warning, X-Data-Version, X-Cache, "
                "X-Result-Count, X-Result-Limit, X-Result-Truncated"
            )
            if request.method == "OPTIONS":
                headers["Access-Control-Allow-Methods"] = "GET, HEAD, POST, OPTIONS"
                headers["Access-Control-Allow-Headers"] = request.headers.get(
                    "Access-Control-Request-Headers", "Content-Type, Accept, Authorization"
                )
                headers["Access-Control-Max-Age"] = "86400"
        return response
