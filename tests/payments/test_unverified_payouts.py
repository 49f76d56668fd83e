"""An address that is not verified is not paid: no payout onboarding (409
`email_not_verified`, as for bids and missions), and a release that would pay her keeps
the money held, like a missing payout account, until she confirms."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from flask import Flask

from marketplace.accounts.models import User
from marketplace.contracts.services import auto_release_due
from marketplace.extensions import db
from marketplace.jobs import runner
from marketplace.payments.models import PayoutAccount
from tests import factories as f
from tests.conftest import ApiClient
from tests.payments.helpers import assert_balanced
from tests.web.browser import Browser
from tests.web.steps import PASSWORD, newest_link, sign_in, verify_address

CONNECT = "Connecter mon compte de versement"


def _register_secretary(api: ApiClient) -> dict[str, Any]:
    email = f"claire.{uuid.uuid4().hex[:10]}@exemple.fr"
    status, body = api.post(
        "/api/v1/auth/register",
        {"email": email, "password": PASSWORD, "role": "secretary", "display_name": "Claire"},
    )
    assert status == 201 and body["user"]["email_verified"] is False, body
    return {"id": body["user"]["id"], "token": body["token"], "email": email}


def _follow_verification_link(api: ApiClient, email: str) -> None:
    """The token of her verification e-mail (the file mailer wrote it), posted to the API."""
    app = api.client.application
    with app.app_context():
        runner.run_pending()
    path = newest_link(app.extensions["mailer"].directory, email, "/compte/verifier/")
    status, body = api.post("/api/v1/auth/verify-email", {"token": path.rsplit("/", 1)[1]})
    assert (status, body) == (200, {"email_verified": True})


def _payout_rows(app: Flask, user_id: str) -> int:
    with app.app_context():
        return int(
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(PayoutAccount)
                .where(PayoutAccount.user_id == uuid.UUID(user_id))
            )
            or 0
        )


def test_stripe_onboarding_waits_for_a_verified_address(sapi: ApiClient, stripe_app: Flask) -> None:
    claire = _register_secretary(sapi)
    status, body = sapi.post("/api/v1/me/payouts/onboarding", token=claire["token"])
    assert status == 409 and body["error"] == "email_not_verified", body
    assert "Confirmez d'abord votre adresse" in body["message"]
    assert _payout_rows(stripe_app, claire["id"]) == 0  # no Stripe account opened for her
    status, payouts = sapi.get("/api/v1/me/payouts", token=claire["token"])
    assert status == 200
    assert payouts["status"] == "email_not_verified" and payouts["payouts_enabled"] is False
    assert "Confirmez votre adresse e-mail" in payouts["message"]

    _follow_verification_link(sapi, claire["email"])
    status, body = sapi.post("/api/v1/me/payouts/onboarding", token=claire["token"])
    assert status == 200 and body["url"].startswith("http"), body
    assert _payout_rows(stripe_app, claire["id"]) == 1
    status, payouts = sapi.get("/api/v1/me/payouts", token=claire["token"])
    assert payouts["status"] == "billing_mandate_not_accepted"  # the next thing she does
    assert payouts["account_status"] == "pending"  # opened at Stripe, not enabled yet
    assert sapi.post("/api/v1/me/billing-mandate/accept", token=claire["token"])[0] == 200
    status, payouts = sapi.get("/api/v1/me/payouts", token=claire["token"])
    assert payouts["status"] == "pending"


def test_the_payouts_page_shows_the_verify_banner_instead_of_the_button(app: Flask) -> None:
    browser = Browser(app.test_client())
    email = f"claire.{uuid.uuid4().hex[:10]}@exemple.fr"
    page = browser.submit(
        "/inscription?role=secretary",
        {"role": "secretary", "display_name": "Claire", "email": email, "password": PASSWORD},
    )
    assert page.path == "/profil"

    for path in ("/versements", "/tableau-de-bord"):
        page = browser.get(path)
        assert "Confirmez votre adresse e-mail pour connecter votre compte de versement" in page
        assert CONNECT not in page.html
        assert not [form for form in page.forms if form.action == "/versements/connecter"]
        assert "verify-banner" in page.html  # with its "Renvoyer l'e-mail" button

    # Posting the connect form anyway (an old tab) brings her back, told why.
    response = browser.client.post(
        "/versements/connecter", data={"csrf_token": page.form().csrf_token}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/versements"
    page = browser.get("/versements")
    assert any("Confirmez d'abord votre adresse" in text for text in page.flashes())

    verify_address(browser, email)
    page = browser.get("/versements")
    assert "Confirmez votre adresse e-mail pour connecter" not in page
    assert "Votre compte de versement est actif" in page  # the sandbox pays by default
    sandbox = browser.get("/versements/relancer")  # the onboarding link works again
    assert "Activer mon compte de versement" in sandbox


def _unverify(app: Flask, user_id: str) -> None:
    """An address that is not verified on an account that could be paid: an account made
    before addresses were verified (normally impossible otherwise)."""
    with app.app_context():
        db.session.execute(
            sa.update(User).where(User.id == uuid.UUID(user_id)).values(email_verified_at=None)
        )
        db.session.commit()


def test_an_approval_for_an_unverified_secretary_is_held_until_she_confirms(
    api: ApiClient, app: Flask
) -> None:
    deal = f.Deal(api, through_api=True).to("delivered")
    _unverify(app, deal.secretary["id"])

    status, body = deal.act("approve", "business")
    assert status == 200, body
    assert body["status"] == "delivered" and body["approved_at"] is not None
    assert "confirme son adresse e-mail" in body["payout_pending"]
    assert body["transfer_id"] is None
    assert_balanced(deal, 110_000)  # held, not paid
    with app.app_context():
        assert auto_release_due() == 0  # release-due skips her too
    assert_balanced(deal, 110_000)
    status, page = api.get(f"/api/v1/contracts/{deal.contract_id}", token=deal.secretary["token"])
    assert page["status"] == "delivered" and "adresse e-mail" in page["payout_pending"]

    f.verify_email(app, deal.secretary["id"])
    with app.app_context():
        assert auto_release_due() == 1
    status, page = api.get(f"/api/v1/contracts/{deal.contract_id}", token=deal.business["token"])
    assert page["status"] == "released" and page["payout_pending"] is None
    assert_balanced(deal, 0)


def test_the_contract_page_tells_an_unverified_secretary_what_holds_her_money(
    api: ApiClient, app: Flask
) -> None:
    deal = f.Deal(api, through_api=True).to("delivered")
    _unverify(app, deal.secretary["id"])
    assert deal.act("approve", "business")[0] == 200
    browser = Browser(app.test_client())
    sign_in(browser, deal.secretary["email"], f.PASSWORD)
    page = browser.get(f"/contrats/{deal.contract_id}")
    assert "Confirmez votre adresse e-mail pour recevoir les fonds" in page
    assert CONNECT not in page.text
