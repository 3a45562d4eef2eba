"""Headless Chromium (Debian's, driven by Playwright) against a real server, with screenshots.

Every request a page makes is recorded; anything not addressed to 127.0.0.1 is aborted and fails the
test (no CDN, no tracker, no font service). Screenshots go to tests/artifacts/browser/ (gitignored).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "browser"


class Recorder:
    """Every URL requested by the pages of one browser context, and the ones that left loopback."""

    def __init__(self) -> None:
        self.urls: list[str] = []
        self.outside: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []

    def route(self, route) -> None:
        url = route.request.url
        self.urls.append(url)
        host = urlsplit(url).hostname
        if url.startswith(("data:", "blob:")) or host == "127.0.0.1":
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()


@pytest.fixture()
def browser_page(chromium, request) -> Iterator:
    """A fresh Dutch-speaking page; fails the test if any request leaves 127.0.0.1 or a script errs."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="nl-BE", accept_downloads=True)
    recorder = Recorder()
    context.route("**/*", recorder.route)
    page = context.new_page()
    page.on("dialog", lambda dialog: (recorder.dialogs.append(dialog.message), dialog.dismiss()))
    page.on("pageerror", lambda error: recorder.errors.append(str(error)))
    page.recorder = recorder  # type: ignore[attr-defined]
    yield page
    context.close()
    assert recorder.urls, "the page made no requests at all"
    assert recorder.outside == [], f"requests left 127.0.0.1: {recorder.outside}"
    assert recorder.dialogs == [], f"a script opened dialogs: {recorder.dialogs}"
    assert recorder.errors == [], f"script errors: {recorder.errors}"


@pytest.fixture()
def shoot(request):
    """Save a screenshot as tests/artifacts/browser/<test>-<n>-<name>.png."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    counter = {"n": 0}

    def take(page, name: str, full_page: bool = False) -> Path:
        counter["n"] += 1
        path = ARTIFACTS / f"{request.node.name}-{counter['n']:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take

