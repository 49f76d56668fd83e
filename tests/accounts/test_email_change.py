"""Changing the sign-in address: the new one waits until the link sent to it is followed.

The e-mails are read back from the real Mailpit where the test is about them (`mail_app`),
from the file mailer's folder elsewhere (`app`)."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from marketplace.accounts import recovery
from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.jobs import runner
from marketplace.jobs.models import JobOutbox
from tests import factories as f
from tests.conftest import MAIL_PUBLIC_URL, ApiClient
from tests.mail import mailpit
from tests.web.browser import Browser
from tests.web.steps import PASSWORD, newest_link, sign_in

CONFIRM = "/compte/adresse-email/confirmer/"


def _address(name: str) -> str:
    return f"{name}.{uuid.uuid4().hex[:10]}@exemple.fr"


def _account(api: ApiClient, role: str = "secretary") -> dict[str, Any]:
    """A verified account with a first API token."""
    email = _address("claire")
    status, body = api.post(
        "/api/v1/auth/register",
        {"email": email, "password": PASSWORD, "role": role, "display_name": "Claire Dubois"},
    )
    assert status == 201, body
    f.verify_email(api.client.application, body["user"]["id"])
    return {"id": body["user"]["id"], "token": body["token"], "email": email}


def _token(api: ApiClient, email: str, password: str = PASSWORD) -> tuple[int, str | None]:
    status, body = api.post("/api/v1/auth/token", {"email": email, "password": password})
    return status, (body or {}).get("token")


def _mailpit_mail(app: Flask, to: str, count: int = 1) -> dict[str, Any]:
    """Run the queued e-mail jobs; the newest of the `count` messages to `to` in Mailpit
    (subject, text, HTML)."""
    with app.app_context():
        runner.run_pending()
    found = mailpit.wait_for(to, count)
    assert len(found) == count, [m["Subject"] for m in found]
    return mailpit.message(found[0]["ID"])


def _file_link(app: Flask, to: str) -> str:
    with app.app_context():
        runner.run_pending()
    return newest_link(app.extensions["mailer"].directory, to, CONFIRM)


def _change(api: ApiClient, token: str, new_email: str, password: str = PASSWORD) -> Any:
    return api.post("/api/v1/me/email", {"password": password, "new_email": new_email}, token)


def test_the_new_address_replaces_the_old_one_only_when_its_link_is_followed(
    mail_app: Flask,
) -> None:
    api = ApiClient(mail_app.test_client())
    claire = _account(api)
    old, new = claire["email"], _address("claire.dubois")
    elsewhere = Browser(mail_app.test_client())  # another browser of hers, signed in
    sign_in(elsewhere, old)
    _, other_token = _token(api, old)

    status, body = _change(api, claire["token"], new.upper())
    assert status == 202, body
    assert (body["email"], body["pending_email"]) == (old, new)
    assert body["email_verified"] is True  # the current address still is

    # The link goes to the new address, in French (her language); the old one is told.
    sent = _mailpit_mail(mail_app, new)
    assert sent["Subject"] == "Confirmez votre nouvelle adresse e-mail"
    match = re.search(re.escape(MAIL_PUBLIC_URL) + r"(" + CONFIRM + r"\S+)", sent["Text"])
    assert match, sent["Text"]
    link = match.group(1)
    notice = _mailpit_mail(mail_app, old, 2)  # after the sign-up's verification e-mail
    assert notice["Subject"] == "Changement d'adresse e-mail demandé"
    masked = "c•••@" + new.split("@")[1]
    assert masked in notice["Text"] and new not in notice["Text"] + notice["HTML"]
    assert CONFIRM not in notice["Text"] + notice["HTML"]  # the link only goes to the new one
    assert "/mot-de-passe-oublie" in notice["Text"]  # "not you? choose a new password"

    # Until then nothing changes: she signs in with the old address only.
    assert _token(api, new)[0] == 401
    assert _token(api, old)[0] == 200
    _, me = api.get("/api/v1/me", token=claire["token"])
    assert (me["email"], me["pending_email"]) == (old, new)

    # Opening the link asks first (a mail scanner changes nothing); confirming changes it.
    visitor = Browser(mail_app.test_client())
    page = visitor.get(link)
    assert page.heading() == "Confirmer la nouvelle adresse" and new in page
    assert _token(api, new)[0] == 401
    page = visitor.submit(page, action=link)
    assert page.path == "/connexion"
    assert "votre adresse e-mail est maintenant " + new in " ".join(page.flashes())

    # The new address signs in, verified; the old one is gone; every session and token ended.
    assert _token(api, old)[0] == 401
    status, fresh = _token(api, new)
    assert status == 200
    _, me = api.get("/api/v1/me", token=fresh)
    assert (me["email"], me["pending_email"], me["email_verified"]) == (new, None, True)
    assert api.get("/api/v1/me", token=claire["token"])[0] == 401
    assert api.get("/api/v1/me", token=other_token)[0] == 401
    assert elsewhere.get("/tableau-de-bord").heading() == "Connexion"

    # The used link is dead, on the page and on the API.
    assert visitor.get(link, expect=400).status == 400
    status, body = api.post("/api/v1/auth/verify-email", {"token": link.rsplit("/", 1)[1]})
    assert status == 400 and body["error"] == "invalid_token"


def test_confirming_on_the_api_keeps_the_token_that_confirms(api: ApiClient, app: Flask) -> None:
    claire = _account(api)
    new = _address("claire.pro")
    _, other_token = _token(api, claire["email"])
    assert _change(api, claire["token"], new)[0] == 202
    token = _file_link(app, new).rsplit("/", 1)[1]

    status, body = api.post("/api/v1/auth/verify-email", {"token": token}, token=claire["token"])
    assert (status, body) == (200, {"email_verified": True})
    status, me = api.get("/api/v1/me", token=claire["token"])
    assert status == 200 and (me["email"], me["pending_email"]) == (new, None)
    assert api.get("/api/v1/me", token=other_token)[0] == 401


def test_signed_in_on_the_page_she_stays_signed_in_and_other_browsers_are_signed_out(
    app: Flask,
) -> None:
    api = ApiClient(app.test_client())
    claire = _account(api)
    mine, other = Browser(app.test_client()), Browser(app.test_client())
    sign_in(mine, claire["email"])
    sign_in(other, claire["email"])
    new = _address("claire.cabinet")

    page = mine.get("/compte")
    assert page.heading() == "Mon compte" and claire["email"] in page
    page = mine.submit(
        page, {"new_email": new, "password": PASSWORD}, action="/compte/adresse-email"
    )
    assert page.path == "/compte"
    assert "Un lien de confirmation vient de partir à " + new in " ".join(page.flashes())
    assert "Changement demandé vers " + new in page

    link = _file_link(app, new)
    page = mine.submit(mine.get(link), action=link)
    assert page.path == "/compte" and "Vous vous connectez avec " + new in page
    assert "Changement demandé" not in page
    assert other.get("/tableau-de-bord").heading() == "Connexion"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"password": "pas-le-bon-mot", "new_email": "ailleurs@exemple.fr"}, "password"),
        ({"password": PASSWORD, "new_email": "pas-une-adresse"}, "new_email"),
        ({"password": PASSWORD}, "new_email"),
        ({"new_email": "ailleurs@exemple.fr"}, "password"),
        ({"password": PASSWORD, "new_email": "a" * 250 + "@exemple.fr"}, "new_email"),
    ],
)
def test_bad_requests_are_422_naming_the_field(
    api: ApiClient, app: Flask, payload: dict[str, str], field: str
) -> None:
    claire = _account(api)
    status, body = api.post("/api/v1/me/email", payload, token=claire["token"])
    assert status == 422 and list(body["errors"]["json"]) == [field], body
    _, me = api.get("/api/v1/me", token=claire["token"])
    assert me["pending_email"] is None


def test_her_own_address_and_another_account_s_are_refused_and_nothing_is_sent(
    api: ApiClient, app: Flask
) -> None:
    claire, nadia = _account(api), _account(api)
    with app.app_context():
        jobs_before = db.session.scalar(sa.select(sa.func.count()).select_from(JobOutbox))
    status, body = _change(api, claire["token"], claire["email"].upper())
    assert status == 422 and body["errors"]["json"]["new_email"] == [
        "C'est déjà l'adresse de votre compte."
    ]
    status, body = _change(api, claire["token"], nadia["email"])
    assert status == 422 and body["errors"]["json"]["new_email"] == [
        "Un compte existe déjà avec cette adresse e-mail."  # what sign-up says
    ]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(JobOutbox)) == jobs_before
    assert api.get("/api/v1/me", token=claire["token"])[1]["pending_email"] is None
    anonymous = {"password": PASSWORD, "new_email": _address("personne")}
    assert api.post("/api/v1/me/email", anonymous, token=None)[0] == 401


def test_the_page_shows_the_errors_next_to_the_fields(app: Flask) -> None:
    api = ApiClient(app.test_client())
    claire = _account(api)
    browser = Browser(app.test_client())
    sign_in(browser, claire["email"])
    page = browser.submit(
        "/compte",
        {"new_email": "ailleurs@exemple.fr", "password": "pas-le-bon-mot"},
        action="/compte/adresse-email",
        expect=422,
    )
    assert page.field_error("password") == "Mot de passe incorrect."
    assert page.value("new_email") == "ailleurs@exemple.fr"
    assert "pas-le-bon-mot" not in page.html  # a password is never sent back
    page = browser.submit(
        "/compte",
        {"new_email": claire["email"], "password": PASSWORD},
        action="/compte/adresse-email",
        expect=422,
    )
    assert page.field_error("new_email") == "C'est déjà l'adresse de votre compte."


def test_a_newer_request_or_a_new_password_kills_the_link(api: ApiClient, app: Flask) -> None:
    claire = _account(api)
    first, second = _address("premiere"), _address("seconde")
    assert _change(api, claire["token"], first)[0] == 202
    first_link = _file_link(app, first)
    assert _change(api, claire["token"], second)[0] == 202
    second_link = _file_link(app, second)
    browser = Browser(app.test_client())
    assert browser.get(first_link, expect=400).status == 400  # replaced by the newer one
    assert "Confirmer la nouvelle adresse" in browser.get(second_link)

    status, _body = api.post(
        "/api/v1/me/password",
        {"current_password": PASSWORD, "new_password": "un-tout-autre-secret"},
        token=claire["token"],
    )
    assert status == 204
    page = browser.get(second_link, expect=400)
    assert "n'est pas valide ou a déjà servi" in page
    _, me = api.get("/api/v1/me", token=claire["token"])
    assert (me["email"], me["pending_email"]) == (claire["email"], None)


def test_an_address_taken_in_the_meantime_is_a_409_and_nothing_changes(
    api: ApiClient, app: Flask
) -> None:
    claire = _account(api)
    new = _address("convoitee")
    assert _change(api, claire["token"], new)[0] == 202
    token = _file_link(app, new).rsplit("/", 1)[1]
    status, _body = api.post(
        "/api/v1/auth/register",
        {"email": new, "password": PASSWORD, "role": "business", "display_name": "Autre"},
    )
    assert status == 201
    status, body = api.post("/api/v1/auth/verify-email", {"token": token})
    assert status == 409 and body["error"] == "email_taken", body
    status, me = api.get("/api/v1/me", token=claire["token"])
    assert status == 200 and me["email"] == claire["email"]


def test_the_link_expires_after_24_hours(
    api: ApiClient, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    claire = _account(api)
    new = _address("tardive")
    assert _change(api, claire["token"], new)[0] == 202
    link = _file_link(app, new)
    later = utcnow() + timedelta(hours=24, minutes=1)
    monkeypatch.setattr(recovery, "utcnow", lambda: later)
    page = Browser(app.test_client()).get(link, expect=400)
    assert "valable 24 heures" in page
    status, body = api.post("/api/v1/auth/verify-email", {"token": link.rsplit("/", 1)[1]})
    assert status == 400 and body["error"] == "invalid_token"


def test_the_sign_up_verification_page_does_not_take_an_address_change_link(
    api: ApiClient, app: Flask
) -> None:
    """A change link pasted under the sign-up link's path must not change on a mere GET."""
    claire = _account(api)
    new = _address("detour")
    assert _change(api, claire["token"], new)[0] == 202
    token = _file_link(app, new).rsplit("/", 1)[1]
    Browser(app.test_client()).get(f"/compte/verifier/{token}", expect=400)
    _, me = api.get("/api/v1/me", token=claire["token"])
    assert (me["email"], me["pending_email"]) == (claire["email"], new)


def test_a_reset_link_sent_to_the_old_address_dies_with_the_change(
    api: ApiClient, app: Flask
) -> None:
    claire = _account(api)
    assert api.post("/api/v1/auth/password-reset", {"email": claire["email"]})[0] == 202
    with app.app_context():
        runner.run_pending()
    reset = newest_link(
        app.extensions["mailer"].directory, claire["email"], "/mot-de-passe/nouveau/"
    )
    new = _address("nouvelle")
    assert _change(api, claire["token"], new)[0] == 202
    token = _file_link(app, new).rsplit("/", 1)[1]
    assert api.post("/api/v1/auth/verify-email", {"token": token})[0] == 200
    status, body = api.post(
        "/api/v1/auth/password-reset/confirm",
        {"token": reset.rsplit("/", 1)[1], "password": "un-tout-autre-secret"},
    )
    assert status == 400 and body["error"] == "invalid_token"


def test_mails_are_written_in_her_language(mail_app: Flask) -> None:
    api = ApiClient(mail_app.test_client())
    claire = _account(api)
    browser = Browser(mail_app.test_client())
    sign_in(browser, claire["email"])
    browser.get("/langue/en?next=/compte")  # she reads the site in English
    new = _address("claire.en")
    page = browser.submit(
        "/compte", {"new_email": new, "password": PASSWORD}, action="/compte/adresse-email"
    )
    assert page.heading() == "My account"
    assert _mailpit_mail(mail_app, new)["Subject"] == "Confirm your new e-mail address"
    notice = _mailpit_mail(mail_app, claire["email"], 2)
    assert notice["Subject"] == "E-mail address change requested"
