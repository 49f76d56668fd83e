"""Input that used to reach the database or the parser's recursion limit: a 400 or 422 naming
the field, never a 500 (marketplace/input_guard.py), on the API and on the pages."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.web.browser import Browser

NUL = "\u0000"
SURROGATE = "\ud800"


def raw_json(client: FlaskClient, method: str, path: str, body: str, token: str | None = None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.open(
        path,
        method=method,
        data=body.encode("utf-8"),
        content_type="application/json",
        headers=headers,
    )


def with_text(payload: dict[str, Any], field: str, text: str) -> str:
    """`payload` as JSON with `text` in `field`, escapes kept (a lone surrogate cannot be
    encoded as UTF-8: it only ever arrives as the escape \\ud800)."""
    return json.dumps({**payload, field: text}, ensure_ascii=True)


REGISTER = {
    "email": "claire.martin@exemple.fr",
    "password": "motdepasse-solide",
    "role": "business",
    "display_name": "Cabinet Martin",
}
MISSION = {
    "title": "Frappe de comptes rendus",
    "description": "Comptes rendus de consultation, 10 h par semaine.",
    "specialty": "medical",
}


@pytest.fixture
def token(api) -> str:
    status, body = api.post("/api/v1/auth/register", REGISTER)
    assert status == 201
    return str(body["token"])


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


# ----------------------------------------------------------------------------- nesting


@pytest.mark.parametrize("depth", [40, 1000, 100_000])
def test_deeply_nested_json_is_a_400_naming_the_field(client: FlaskClient, depth: int) -> None:
    body = '{"email": "a@b.fr", "display_name": ' + nested(depth) + "}"
    response = raw_json(client, "POST", "/api/v1/auth/register", body)
    assert response.status_code == 400, response.get_data(as_text=True)[:500]
    payload = response.get_json()
    assert payload["error"] == "too_deeply_nested"
    assert list(payload["errors"]["json"]) == ["display_name"]
    assert payload["code"] == 400 and payload["status"] == "Bad Request"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/api/v1/missions"),
        ("PUT", "/api/v1/me/profile"),  # read with request.get_json(), not webargs
        ("POST", "/api/v1/auth/token"),
        ("POST", "/api/v1/payments/stripe/webhook"),
    ],
)
def test_deep_nesting_is_refused_on_every_endpoint(
    client: FlaskClient, token: str, method: str, path: str
) -> None:
    response = raw_json(client, method, path, '{"title": ' + nested(1000) + "}", token)
    assert response.status_code == 400
    assert response.get_json()["errors"]["json"] == {
        "title": ["Trop de niveaux d'imbrication (32 au plus)."]
    }


def test_a_deep_top_level_array_names_the_whole_body(client: FlaskClient) -> None:
    response = raw_json(client, "POST", "/api/v1/auth/register", nested(1000))
    assert response.status_code == 400
    assert list(response.get_json()["errors"]["json"]) == ["_schema"]


def test_reasonable_nesting_still_reaches_the_schema(client: FlaskClient) -> None:
    response = raw_json(client, "POST", "/api/v1/auth/register", '{"display_name": [[[]]]}')
    assert response.status_code == 422
    assert "display_name" in response.get_json()["errors"]["json"]


# ----------------------------------------------------------------------------- text


# "\udc00\ud800": a pair the wrong way round is two lone halves.
@pytest.mark.parametrize("text", [SURROGATE, f"Cabinet{NUL}Martin", "ok\udc00\ud800x"])
@pytest.mark.parametrize("field", ["display_name", "email", "password"])
def test_unstorable_text_in_register_is_a_422_naming_the_field(
    client: FlaskClient, text: str, field: str
) -> None:
    response = raw_json(client, "POST", "/api/v1/auth/register", with_text(REGISTER, field, text))
    assert response.status_code == 422, response.get_data(as_text=True)[:500]
    payload = response.get_json()
    assert payload["error"] == "invalid_input"
    assert list(payload["errors"]["json"]) == [field]
    assert field in payload["message"]


def test_a_surrogate_pair_is_one_character_and_welcome(client: FlaskClient) -> None:
    body = with_text(REGISTER, "display_name", "Cabinet Martin \U0001f600")
    assert "\\ud83d\\ude00" in body
    response = raw_json(client, "POST", "/api/v1/auth/register", body)
    assert response.status_code == 201
    assert response.get_json()["user"]["display_name"] == "Cabinet Martin \U0001f600"


@pytest.mark.parametrize("text", [SURROGATE, NUL])
def test_unstorable_text_in_a_mission_title_is_a_422(
    client: FlaskClient, token: str, text: str
) -> None:
    body = with_text(MISSION, "title", f"Frappe {text}")
    response = raw_json(client, "POST", "/api/v1/missions", body, token)
    assert response.status_code == 422
    assert list(response.get_json()["errors"]["json"]) == ["title"]


def test_unstorable_text_deep_in_a_body_names_its_path(client: FlaskClient, token: str) -> None:
    body = json.dumps({"headline": "ok", "availability": {"weekdays": ["mon", NUL]}})
    response = raw_json(client, "PUT", "/api/v1/me/profile", body, token)
    assert response.status_code == 422
    assert list(response.get_json()["errors"]["json"]) == ["availability.weekdays.1"]


def test_unstorable_text_in_a_key_is_refused(client: FlaskClient) -> None:
    body = '{"display_name\\u0000": "x", "\\ud800": 1}'
    response = raw_json(client, "POST", "/api/v1/auth/register", body)
    assert response.status_code == 422
    assert len(response.get_json()["errors"]["json"]) == 1


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/search/secretaries?q=secr%00taire",
        "/api/v1/search/missions?q=%00",
        "/api/v1/missions?page=1%00",
        "/recherche?q=%00",
        "/missions?q=%00",
    ],
)
def test_a_nul_in_a_query_string_is_a_422_naming_the_parameter(
    client: FlaskClient, path: str
) -> None:
    response = client.get(path)
    assert response.status_code == 422, response.get_data(as_text=True)[:500]
    name = re.search(r"\?(\w+)=", path).group(1)  # type: ignore[union-attr]
    if path.startswith("/api/"):
        assert list(response.get_json()["errors"]["query"]) == [name]
    else:
        assert name in response.get_data(as_text=True)


def test_a_query_string_that_is_not_utf8_is_no_error(client: FlaskClient) -> None:
    # %ED%A0%80 would be a surrogate's UTF-8 form: werkzeug replaces what is not UTF-8.
    response = client.get("/api/v1/search/secretaries?q=%ED%A0%80")
    assert response.status_code == 200


def test_a_nul_in_a_form_field_is_a_422_on_the_page(client: FlaskClient) -> None:
    browser = Browser(client)
    page = browser.get("/inscription?role=business")
    csrf = page.form(None).fields["csrf_token"][0]
    response = client.post(
        "/inscription",
        data={
            "csrf_token": csrf,
            "role": "business",
            "display_name": f"Cabinet{NUL}Martin",
            "email": "cabinet@exemple.fr",
            "password": "motdepasse-solide",
        },
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "display_name" in html and "U+0000" in html


def test_a_form_post_that_is_not_utf8_is_no_error(client: FlaskClient) -> None:
    browser = Browser(client)
    page = browser.get("/inscription?role=business")
    csrf = page.form(None).fields["csrf_token"][0]
    body = (
        f"csrf_token={csrf}&role=business&display_name=Cabinet%ED%A0%80"
        "&email=cabinet%40exemple.fr&password=motdepasse-solide"
    )
    response = client.post(
        "/inscription", data=body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code in (200, 302, 422)


def test_a_body_that_is_not_json_is_a_400_in_the_error_format(client: FlaskClient) -> None:
    response = raw_json(client, "POST", "/api/v1/auth/register", '{"email": ')
    assert response.status_code == 400
    payload = response.get_json()
    assert payload["errors"] == {"json": {"_schema": ["Invalid JSON body."]}}
    assert payload["code"] == 400 and payload["error"] == "bad_request"


def test_a_nul_in_the_idempotency_key_is_a_422_naming_the_header(
    client: FlaskClient, token: str
) -> None:
    response = client.post(
        "/api/v1/missions",
        json=MISSION,
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "clé\x001"},
    )
    assert response.status_code == 422
    assert response.get_json()["errors"] == {
        "headers": {"Idempotency-Key": ["Le caractère nul (U+0000) n'est pas accepté."]}
    }
