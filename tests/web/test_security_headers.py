"""Security headers on every answer: pages, the API, static files, errors; HTTPS-only parts
(HSTS, Secure cookies) when PUBLIC_URL is https."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.conftest import make_app
from tests.web.steps import WebDeal

CSP_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "frame-ancestors": "'none'",
    "object-src": "'none'",
}


def csp(response: TestResponse) -> dict[str, str]:
    header = response.headers.get("Content-Security-Policy", "")
    directives = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return {name: value for name, value in directives}


def assert_protected(response: TestResponse) -> None:
    policy = csp(response)
    for name, value in CSP_DIRECTIVES.items():
        assert policy.get(name) == value, (response.request.path, name, policy)
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/", 200),  # a page
        ("/connexion", 200),
        ("/api/v1/missions", 200),  # an API answer
        ("/api/v1/openapi.json", 200),
        ("/api/v1/docs", 200),
        ("/page-qui-n-existe-pas", 404),  # an error page
        ("/api/v1/nothing-here", 404),  # an API error
        ("/api/v1/me", 401),
        ("/static/css/app.css", 200),  # static files
        ("/static/js/swagger-ui-init.js", 200),
    ],
)
def test_every_kind_of_answer_carries_the_security_headers(
    client: FlaskClient, path: str, status: int
) -> None:
    with client.get(path) as response:
        assert response.status_code == status
        assert_protected(response)
        assert "Strict-Transport-Security" not in response.headers  # PUBLIC_URL is http here


def test_a_server_error_carries_the_security_headers(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    app = make_app(database_url, tmp_path_factory)
    app.config["TESTING"] = False  # the 500 handler answers instead of re-raising

    @app.get("/boom-for-test")
    def boom() -> str:
        raise RuntimeError("boom")

    with app.test_client().get("/boom-for-test") as response:
        assert response.status_code == 500
        assert_protected(response)


def test_the_approval_page_cannot_be_framed(new_browser) -> None:
    deal = WebDeal(new_browser)
    deal.hire()
    deal.fund()
    deal.deliver()
    response = deal.business.client.get(f"{deal.contract_path}/valider")
    assert response.status_code == 200
    assert "<form" in response.get_data(as_text=True)
    assert csp(response)["frame-ancestors"] == "'none'"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_no_template_carries_inline_script_or_style() -> None:
    """What the policy would block, caught before a browser sees it."""
    import re
    from pathlib import Path

    import marketplace

    templates = Path(marketplace.__file__).parent / "templates"
    found = []
    for path in templates.rglob("*.html"):
        html = path.read_text()
        # E-mails are read by mail clients, not under our CSP: their style is inline on
        # purpose (most clients drop <link> and <style>); scripts stay forbidden there too.
        patterns = [r"<script\b", r"\son\w+="]
        if "mail" not in path.relative_to(templates).parts:
            patterns = [r"<script(?![^>]*\bsrc=)[^>]*>", r"<style\b", r"\sstyle=", r"\son\w+="]
        for pattern in patterns:
            found += [f"{path.name}: {m}" for m in re.findall(pattern, html)]
    assert found == []


@pytest.fixture
def https_app(app: Flask, database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Flask:
    # `app` first: the schema is migrated, and this app joins the test's transaction.
    return make_app(database_url, tmp_path_factory, PUBLIC_URL="https://secretaires.example.fr")


def test_https_public_url_sends_hsts_and_secure_cookies(https_app: Flask) -> None:
    assert https_app.config["SESSION_COOKIE_SECURE"] is True
    assert https_app.config["REMEMBER_COOKIE_SECURE"] is True
    client = https_app.test_client()
    with client.get("/connexion", base_url="https://secretaires.example.fr") as response:
        assert response.status_code == 200
        assert_protected(response)
        assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
        cookies = response.headers.getlist("Set-Cookie")
        assert cookies, "the sign-in page keeps its CSRF token in the session cookie"
        for cookie in cookies:
            assert "; Secure" in cookie, cookie
            assert "; HttpOnly" in cookie, cookie
    with client.get("/api/v1/missions", base_url="https://secretaires.example.fr") as response:
        assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_http_public_url_keeps_cookies_usable_in_development(client: FlaskClient) -> None:
    with client.get("/connexion") as response:
        for cookie in response.headers.getlist("Set-Cookie"):
            assert "; Secure" not in cookie
