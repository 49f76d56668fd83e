"""Verification and password reset by e-mail, read back from the real Mailpit."""

from __future__ import annotations

import re
import uuid

from flask import Flask

from marketplace.jobs import runner
from tests.conftest import MAIL_PUBLIC_URL, ApiClient
from tests.mail import mailpit
from tests.web.browser import Browser
from tests.web.steps import sign_in

PUBLIC_URL = MAIL_PUBLIC_URL
PASSWORD = "un-mot-de-passe-solide-42"


def _link(app: Flask, to: str, count: int) -> str:
    """Run the queued e-mail jobs, then the path of the link in the newest e-mail to `to`."""
    with app.app_context():
        runner.run_pending()
    newest = mailpit.wait_for(to, count)[0]
    text = mailpit.message(newest["ID"])["Text"]
    match = re.search(re.escape(PUBLIC_URL) + r"(/\S+)", text)
    assert match, text
    return match.group(1)


def test_sign_up_verify_forget_reset_and_only_the_new_password_works(mail_app: Flask) -> None:
    email = f"claire.{uuid.uuid4().hex[:10]}@exemple.fr"
    browser = Browser(mail_app.test_client())
    page = browser.get("/inscription")
    page = browser.submit(
        page,
        {
            "role": "secretary",
            "display_name": "Claire Dubois",
            "email": email,
            "password": PASSWORD,
        },
    )
    assert "Un e-mail vous attend" in " ".join(page.flashes())
    api = ApiClient(mail_app.test_client())
    status, token_body = api.post("/api/v1/auth/token", {"email": email, "password": PASSWORD})
    assert status == 200
    _, me = api.get("/api/v1/me", token=token_body["token"])
    assert me["email_verified"] is False

    verify = _link(mail_app, email, 1)
    assert verify.startswith("/compte/verifier/")
    page = browser.get(verify)
    assert "votre adresse e-mail est confirmée" in " ".join(page.flashes())
    _, me = api.get("/api/v1/me", token=token_body["token"])
    assert me["email_verified"] is True

    stranger = Browser(mail_app.test_client())
    page = stranger.submit(stranger.get("/mot-de-passe-oublie"), {"email": email})
    assert "Si un compte existe" in " ".join(page.flashes())
    reset = _link(mail_app, email, 2)
    assert reset.startswith("/mot-de-passe/nouveau/")
    page = stranger.get(reset)
    page = stranger.submit(page, {"password": "password123"}, expect=422)  # too common
    assert "trop courant" in page.text
    page = stranger.submit(stranger.get(reset), {"password": "nouveau-secret-du-cabinet-7"})
    assert "connectez-vous avec le nouveau" in " ".join(page.flashes())

    assert stranger.get(reset, expect=400).status == 400  # the used link is dead
    assert api.get("/api/v1/me", token=token_body["token"])[0] == 401  # tokens ended
    old = api.post("/api/v1/auth/token", {"email": email, "password": PASSWORD})
    assert old[0] == 401
    sign_in(Browser(mail_app.test_client()), email, "nouveau-secret-du-cabinet-7")


def test_reset_answers_the_same_for_unknown_addresses_and_bad_tokens_are_400(
    mail_app: Flask,
) -> None:
    api = ApiClient(mail_app.test_client())
    unknown = f"personne.{uuid.uuid4().hex[:8]}@exemple.fr"
    status, body = api.post("/api/v1/auth/password-reset", {"email": unknown})
    assert (status, body) == (202, {"accepted": True})
    with mail_app.app_context():
        runner.run_pending()
    assert mailpit.messages_to(unknown) == []
    status, body = api.post(
        "/api/v1/auth/password-reset/confirm", {"token": "faux", "password": "x" * 12}
    )
    assert status == 400 and body["error"] == "invalid_token"
    status, body = api.post("/api/v1/auth/verify-email", {"token": "faux"})
    assert status == 400


def test_an_unverified_account_fills_its_profile_but_cannot_post_or_bid(api) -> None:
    from tests import factories as f

    def unverified(role: str) -> dict[str, str]:
        email = f"{role}.{uuid.uuid4().hex[:8]}@exemple.fr"
        status, body = api.post(
            "/api/v1/auth/register",
            {"email": email, "password": PASSWORD, "role": role, "display_name": "Nouvelle"},
        )
        assert status == 201 and body["user"]["email_verified"] is False
        return {"id": body["user"]["id"], "token": body["token"]}

    business = unverified("business")
    assert api.put("/api/v1/me/profile", f.business_profile(), business["token"])[0] == 200
    status, body = api.post("/api/v1/missions", f.mission_payload(), token=business["token"])
    assert status == 409 and body["error"] == "email_not_verified"

    secretary = unverified("secretary")
    assert api.put("/api/v1/me/profile", f.secretary_profile(), secretary["token"])[0] == 200
    mission = f.mission(api, f.business(api))  # a verified business posts
    status, body = api.post(
        f"/api/v1/missions/{mission['id']}/bids",
        {"amount_cents": 50_000, "message": "Disponible dès lundi."},
        token=secretary["token"],
    )
    assert status == 409 and body["error"] == "email_not_verified"
    assert "Confirmez d'abord votre adresse" in body["message"]


def test_an_unverified_visitor_is_told_and_can_have_the_link_sent_again(mail_app: Flask) -> None:
    email = f"nouvelle.{uuid.uuid4().hex[:10]}@exemple.fr"
    browser = Browser(mail_app.test_client())
    page = browser.submit(
        browser.get("/inscription"),
        {"role": "business", "display_name": "Cabinet Neuf", "email": email, "password": PASSWORD},
    )
    page = browser.get("/tableau-de-bord")
    assert "Confirmez votre adresse e-mail pour proposer un devis" in page.text
    page = browser.submit(page, action="/compte/verifier/renvoyer")
    assert "C'est envoyé" in " ".join(page.flashes())
    first = _link(mail_app, email, 2)
    browser.get(first)
    assert "Confirmez votre adresse e-mail pour" not in browser.get("/tableau-de-bord").text
