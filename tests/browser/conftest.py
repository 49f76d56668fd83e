"""Browser tests: Debian's Chromium, driven by Playwright, against the app served on loopback.

* The browser is the system Chromium (`CHROMIUM_PATH`, default /usr/bin/chromium, installed
  by scripts/services/chromium.sh). Playwright never downloads a browser here. When the
  browser is missing the tests FAIL: they are never skipped, so CI cannot go green without
  having clicked through the pages.
* The app is the test app of tests/conftest.py (PostgreSQL built by the real migrations),
  served by a real threaded WSGI server on 127.0.0.1 and a free port, in a background
  thread. So these tests are `committing` (tests/conftest.py marks them): the server's
  threads must see committed rows; every table is emptied after each test, once no
  request is in flight.
* One browser per session, a fresh context (cookie jar) per visitor, several visitors per
  test when two people take part. Every request a page makes is recorded: each must go to
  the site itself; a 5xx, a failed asset, a script error or a Content-Security-Policy
  violation fails the test.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Needed on a closed network: no background calls home, no QUIC, no first-run UI.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}


class _QuietHandler(WSGIRequestHandler):
    """No access log line per request (errors are still logged)."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return


class LiveServer:
    """`app` served by werkzeug's threaded server on 127.0.0.1 and a free port."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._busy = 0
        self._idle = threading.Condition()
        self.server: BaseWSGIServer = make_server(
            "127.0.0.1", 0, self._counted, threaded=True, request_handler=_QuietHandler
        )
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self._thread = threading.Thread(
            target=self.server.serve_forever, name="live-server", daemon=True
        )
        self._thread.start()

    def _counted(self, environ: Any, start_response: Any) -> Any:
        # The app's part only: Flask has popped the request's contexts (its database
        # session) when it returns; no response of the app is streamed.
        with self._idle:
            self._busy += 1
        try:
            # The body is read here and the app's iterable closed at once: werkzeug's dev
            # server skips `close()` when the browser drops the connection while it drains
            # the socket, which leaves a static file (app.css, the icon) open.
            body = self.app(environ, start_response)
            try:
                return [b"".join(body)]
            finally:
                if hasattr(body, "close"):
                    body.close()
        finally:
            with self._idle:
                self._busy -= 1
                self._idle.notify_all()

    def wait_idle(self, timeout: float = 15) -> None:
        """Until the app handles no request: a late one (a page closed while it loaded) must
        not reach the database while the next test empties or isolates it."""
        with self._idle:
            assert self._idle.wait_for(lambda: self._busy == 0, timeout), "requests still running"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=10)


@pytest.fixture(scope="session")
def live_server(app: Flask) -> Iterator[LiveServer]:
    server = LiveServer(app)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    if not (os.path.isfile(CHROMIUM_PATH) and os.access(CHROMIUM_PATH, os.X_OK)):
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM_PATH}: run scripts/services/chromium.sh "
            "(scripts/test does)",
            pytrace=False,
        )
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def chromium(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@dataclass
class Traffic:
    """What the pages of one test asked for, and what went wrong on the way."""

    origin: str
    # Hosts the site may send a visitor to (a whole page, never an asset): Stripe's hosted
    # pages in the Stripe variant. Such a page is answered locally, never fetched.
    exits: tuple[str, ...] = ()
    requests: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    exits_taken: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def on_request(self, request: Any) -> None:
        url: str = request.url
        self.requests.append(url)
        if self.is_local(url):
            return
        host = urlsplit(url).hostname or ""
        if (
            request.is_navigation_request()
            and request.resource_type == "document"
            and urlsplit(url).scheme == "https"
            and any(host == exit or host.endswith("." + exit) for exit in self.exits)
        ):
            self.exits_taken.append(url)
        else:
            self.outside.append(url)

    def on_response(self, response: Any) -> None:
        if not self.is_local(response.url):
            return
        if response.status >= 500:
            self.problems.append(f"{response.status} {response.request.method} {response.url}")
        elif response.status >= 400 and response.request.resource_type != "document":
            self.problems.append(f"asset {response.status} {response.url}")

    def on_console(self, message: Any) -> None:
        # Chromium reports what the Content-Security-Policy blocked (an inline script or
        # style, an asset from elsewhere) in the console: whatever its level, it fails.
        if "Content Security Policy" in message.text:
            self.problems.append(f"CSP violation: {message.text}")
        # A failed load is already judged by on_response (an error page is a document too).
        elif message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.problems.append(f"console error: {message.text}")

    def is_local(self, url: str) -> bool:
        return (
            url == self.origin
            or url.startswith((self.origin + "/", "data:", "blob:"))
            or url == "about:blank"
        )


@dataclass
class Visitors:
    """Opens a fresh browser context per person; closes them all at the end of the test."""

    chromium: Browser
    server_url: str
    traffic: Traffic
    contexts: list[BrowserContext] = field(default_factory=list)

    def new(self, locale: str = "fr-FR") -> Page:
        context = self.chromium.new_context(
            base_url=self.server_url,
            locale=locale,  # the Accept-Language a French visitor's browser sends
            timezone_id="Europe/Paris",
            viewport=DESKTOP,
        )
        context.set_default_timeout(15_000)
        context.on("request", self.traffic.on_request)
        context.on("response", self.traffic.on_response)
        # Whatever is not the site itself never leaves the machine: it is recorded, then
        # answered locally (the test fails unless it was an allowed redirect target).
        context.route(lambda url: not self.traffic.is_local(url), _answer_outside)
        self.contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: self.traffic.problems.append(f"script error: {exc}"))
        page.on("console", self.traffic.on_console)
        return page

    def close(self) -> None:
        for context in self.contexts:
            context.close()
        self.contexts.clear()


def _answer_outside(route: Any) -> None:
    route.fulfill(
        status=200,
        content_type="text/html; charset=utf-8",
        body="<!doctype html><html lang='en'><title>Outside the site</title>"
        "<main><h1>Outside the site</h1></main></html>",
    )


def browse(
    chromium: Browser, server: LiveServer, exits: tuple[str, ...] = ()
) -> Iterator[Visitors]:
    """Visitors of `server`; at the end, every request must have stayed on the site."""
    traffic = Traffic(origin=server.url, exits=exits)
    visitors = Visitors(chromium, server.url, traffic)
    yield visitors
    visitors.close()
    server.wait_idle()
    assert traffic.requests, "the test made no request"
    assert not traffic.outside, f"requests outside the site: {traffic.outside}"
    assert not traffic.problems, f"errors while browsing: {traffic.problems}"


@pytest.fixture
def visitors(chromium: Browser, live_server: LiveServer) -> Iterator[Visitors]:
    """`visitors.new()` is a new person with an empty cookie jar, on the sandbox-payment site."""
    yield from browse(chromium, live_server)


@pytest.fixture
def new_page(visitors: Visitors) -> Callable[..., Page]:
    return visitors.new


@pytest.fixture
def page(visitors: Visitors) -> Page:
    return visitors.new()
