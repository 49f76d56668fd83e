"""Server-side web sessions, changing the password, and the rules a new password meets."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests.conftest import ApiClient
from tests.web.browser import Browser
from tests.web.steps import PASSWORD, sign_in, sign_up

NEW_PASSWORD = "un-tout-autre-secret"


def signed_in(browser: Browser) -> bool:
    return browser.get("/tableau-de-bord").heading() != "Connexion"


def token_for(api: ApiClient, email: str, password: str = PASSWORD) -> str:
    status, body = api.post("/api/v1/auth/token", {"email": email, "password": password})
    assert status == 200, body
    return str(body["token"])


def test_a_cookie_copied_before_sign_out_no_longer_works(app: Flask, new_browser) -> None:
    browser = new_browser()
    sign_up(browser, "secretary")
    copied = browser.client.get_cookie("session")
    assert copied is not None and signed_in(browser)
    page = browser.get("/tableau-de-bord")
    browser.submit(page, action="/deconnexion")
    assert not signed_in(browser)

    thief = new_browser()
    thief.client.set_cookie("session", copied.value)
    assert not signed_in(thief)


def test_signing_out_ends_that_session_only(new_browser) -> None:
    first = new_browser()
    email = sign_up(first, "business")
    second = new_browser()
    sign_in(second, email)
    first.submit(first.get("/tableau-de-bord"), action="/deconnexion")
    assert not signed_in(first) and signed_in(second)


def test_changing_the_password_on_the_page_ends_other_sessions_and_tokens(
    new_browser, api: ApiClient
) -> None:
    mine = new_browser()
    email = sign_up(mine, "secretary")
    other_browser = new_browser()
    sign_in(other_browser, email)
    old_token = token_for(api, email)

    page = mine.get("/compte/mot-de-passe")
    assert page.heading() == "Changer de mot de passe"
    page = mine.submit(page, {"current_password": PASSWORD, "new_password": NEW_PASSWORD})
    assert "Mot de passe changé" in " ".join(page.flashes())

    assert signed_in(mine)
    assert not signed_in(other_browser)
    assert api.get("/api/v1/me", token=old_token)[0] == 401
    assert api.post("/api/v1/auth/token", {"email": email, "password": PASSWORD})[0] == 401
    assert token_for(api, email, NEW_PASSWORD)


def test_the_password_page_refuses_a_wrong_current_password_and_a_weak_new_one(
    new_browser,
) -> None:
    browser = new_browser()
    sign_up(browser, "business")
    page = browser.submit(
        "/compte/mot-de-passe",
        {"current_password": "pas-le-bon-mot", "new_password": NEW_PASSWORD},
        expect=422,
    )
    assert "incorrect" in page.field_error("current_password")
    page = browser.submit(
        "/compte/mot-de-passe",
        {"current_password": PASSWORD, "new_password": "azertyuiop"},
        expect=422,
    )
    assert "courant" in page.field_error("new_password")
    assert "/compte/mot-de-passe" not in browser.get("/connexion", expect=None).path


def test_api_password_change_keeps_this_token_and_ends_the_rest(
    api: ApiClient, new_browser
) -> None:
    browser = new_browser()
    email = sign_up(browser, "secretary")
    this_token = token_for(api, email)
    other_token = token_for(api, email)
    change = {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    status, _ = api.post("/api/v1/me/password", change, token=this_token)
    assert status == 204
    assert api.get("/api/v1/me", token=this_token)[0] == 200
    assert api.get("/api/v1/me", token=other_token)[0] == 401
    assert not signed_in(browser)
    assert token_for(api, email, NEW_PASSWORD)


def test_api_password_change_errors(api: ApiClient, new_browser) -> None:
    email = sign_up(new_browser(), "business")
    token = token_for(api, email)
    anonymous = {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    assert api.post("/api/v1/me/password", anonymous)[0] == 401
    status, body = api.post(
        "/api/v1/me/password",
        {"current_password": "pas-le-bon-mot", "new_password": NEW_PASSWORD},
        token=token,
    )
    assert status == 422 and list(body["errors"]["json"]) == ["current_password"]
    local = email.partition("@")[0]
    for weak in ("1234567890", f"{local}-2026!"):
        status, body = api.post(
            "/api/v1/me/password",
            {"current_password": PASSWORD, "new_password": weak},
            token=token,
        )
        assert status == 422 and list(body["errors"]["json"]) == ["new_password"], weak
    status, body = api.post("/api/v1/me/password", {"current_password": PASSWORD}, token=token)
    assert status == 422 and "new_password" in body["errors"]["json"]
    assert api.get("/api/v1/me", token=token)[0] == 200  # nothing changed


def register(api: ApiClient, **overrides: Any) -> tuple[int, Any]:
    payload = {
        "email": "claire.martin@exemple.fr",
        "password": "motdepasse-solide",
        "role": "secretary",
        "display_name": "Claire Martin",
    } | overrides
    return api.post("/api/v1/auth/register", payload)


@pytest.mark.parametrize(
    "password",
    [
        "azertyuiop",  # common
        "Password123",  # common, whatever the case
        "claire.martin",  # the e-mail's local part
        "claire.martin.1984",  # containing it
        "MARTIN-2024-secret",  # containing a part of the display name
        "claire martin!",  # the display name
        "Clairé-Martîn",  # accents do not hide it
    ],
)
def test_sign_up_refuses_common_and_personal_passwords(api: ApiClient, password: str) -> None:
    status, body = register(api, password=password)
    assert status == 422, password
    assert list(body["errors"]["json"]) == ["password"]
    assert body["errors"]["json"]["password"][0]


def test_a_good_password_is_accepted(api: ApiClient) -> None:
    assert register(api, password="lumière-du-matin-sur-Lyon")[0] == 201


def test_web_sign_up_names_the_password_field(new_browser) -> None:
    browser = new_browser()
    page = browser.submit(
        "/inscription?role=business",
        {
            "role": "business",
            "display_name": "Cabinet Durand",
            "email": "contact@durand.fr",
            "password": "1234567890",
        },
        expect=422,
    )
    assert "courant" in page.field_error("password")
    page = browser.submit(
        "/inscription?role=business",
        {
            "role": "business",
            "display_name": "Cabinet Durand",
            "email": "contact@durand.fr",
            "password": "durand-cabinet-75",
        },
        expect=422,
    )
    assert "nom" in page.field_error("password")
