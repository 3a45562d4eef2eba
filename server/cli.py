"""``fundinggraph serve``: the site and SPARQL endpoint under a production WSGI server."""

from __future__ import annotations

import argparse
import sys

from fundinggraph.cli import _eprint, register, settings_from


@register("serve", "serve the site and the SPARQL endpoint (granian or gunicorn; --dev for the dev server)")
def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the site, the SPARQL endpoint and the API on http://HOST:PORT (default 127.0.0.1:5000).

    Each worker process opens the current store read-only after the fork and follows new loads.
    """
    settings = settings_from(args)
    from server import create_app

    if settings.backend == "embedded":
        from fundinggraph.store import EmbeddedStores

        if EmbeddedStores(settings).current_version() is None:
            _eprint("note: no data loaded yet; pages answer 503 until `fundinggraph load` has run")
    # Build the app once here, before any worker starts: a broken canned query or template setting is
    # one clear error naming file and line, instead of workers dying (and being respawned) one by one.
    # Building it opens no store, so nothing is shared across the fork.
    from server.canned import QueryDefinitionError

    try:
        app = create_app(settings)
    except QueryDefinitionError as exc:
        _eprint(f"error: {exc}")
        _eprint("the site was not started")
        return 1
    if args.dev:
        app.run(host=settings.host, port=settings.port, debug=False, threaded=True)
        return 0
    del app
    from server.wsgi import serve

    return serve(settings, create_app)


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", help="interface to listen on (FUNDINGGRAPH_HOST, default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (FUNDINGGRAPH_PORT, default 5000)")
    parser.add_argument("--workers", type=int, help="worker processes (FUNDINGGRAPH_WORKERS)")
    parser.add_argument("--threads", type=int, help="threads per worker (FUNDINGGRAPH_THREADS)")
    parser.add_argument("--server", choices=["gunicorn", "granian"], help="HTTP server (FUNDINGGRAPH_SERVER)")
    parser.add_argument("--query-timeout", type=float, help="seconds per SPARQL query (FUNDINGGRAPH_QUERY_TIMEOUT)")
    parser.add_argument("--max-rows", type=int, help="row cap of the endpoint (FUNDINGGRAPH_MAX_ROWS)")
    parser.add_argument("--admin-token", help="enables SPARQL Update with this bearer token (FUNDINGGRAPH_ADMIN_TOKEN)")
    parser.add_argument("--service-allowlist", help="endpoints SERVICE may call, comma-separated")
    parser.add_argument("--dev", action="store_true", help="Werkzeug development server (one process, not for production)")


cmd_serve.configure = _configure  # type: ignore[attr-defined]

if __name__ == "__main__":  # pragma: no cover
    sys.exit(cmd_serve(argparse.Namespace()))
