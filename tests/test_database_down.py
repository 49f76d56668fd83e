"""With the database down, every answer is a 503 with Retry-After, never a 500.

The app points at a PostgreSQL port where nothing listens: the driver's connection is
refused, for real (no mock). These tests take no `app` fixture, so nothing routes the
app's session to the test transaction.
"""

from __future__ import annotations

import uuid

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import make_app

NOWHERE = "postgresql+psycopg://x@127.0.0.1:1/x"


@pytest.fixture(scope="module")
def down_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    return make_app(NOWHERE, tmp_path_factory)


@pytest.fixture
def down(down_app: Flask) -> FlaskClient:
    return down_app.test_client()


def assert_unavailable(response) -> None:
    assert response.status_code == 503, response.get_data(as_text=True)[:500]
    assert response.headers["Retry-After"] == "30"
    assert response.headers["X-Frame-Options"] == "DENY"  # the security headers still apply


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/missions",
        "/api/v1/search/secretaries?q=secretaire",
        "/api/v1/bids/7d9c1f0e-3b2a-4c5d-8e6f-0a1b2c3d4e5f",
    ],
)
def test_the_api_answers_503_json_with_retry_after(down: FlaskClient, path: str) -> None:
    response = down.get(path, headers={"Authorization": "Bearer mkt_whatever"})
    assert_unavailable(response)
    assert response.get_json() == {
        "code": 503,
        "status": "Service Unavailable",
        "error": "database_unavailable",
        "message": "Le service est momentanément indisponible. Réessayez dans un instant.",
    }


def test_an_api_write_answers_503_too(down: FlaskClient) -> None:
    response = down.post(
        "/api/v1/auth/register",
        json={
            "email": "claire@exemple.fr",
            "password": "motdepasse-solide",
            "role": "secretary",
            "display_name": "Claire",
        },
    )
    assert_unavailable(response)
    assert response.get_json()["error"] == "database_unavailable"


@pytest.mark.parametrize("path", ["/missions", "/recherche?q=secretaire", "/api/v1/me"])
def test_pages_and_protected_operations_answer_503(down: FlaskClient, path: str) -> None:
    response = down.get(path, headers={"Authorization": "Bearer mkt_whatever"})
    assert_unavailable(response)


def test_a_page_answers_503_in_french_with_retry_after(down: FlaskClient) -> None:
    response = down.get("/missions")
    assert_unavailable(response)
    html = response.get_data(as_text=True)
    assert "Service momentanément indisponible" in html
    assert "Réessayez dans un instant" in html


def test_a_signed_in_visitor_gets_the_503_page_not_a_500(down: FlaskClient) -> None:
    # The session names a user: loading her is the first thing that needs the database.
    with down.session_transaction() as session:
        session["_user_id"] = str(uuid.uuid4())  # a web session id
        session["_fresh"] = True
    response = down.get("/tableau-de-bord")
    assert_unavailable(response)
    assert "Service momentanément indisponible" in response.get_data(as_text=True)


def test_pages_that_need_no_database_still_work(down: FlaskClient) -> None:
    assert down.get("/connexion").status_code == 200
    with down.get("/static/css/app.css") as response:
        assert response.status_code == 200
