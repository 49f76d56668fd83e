"""The billing mandate (CGI art. 289 I-2): a secretary accepts it once (text version, date,
her name kept); without it she is not paid: an approval is held like one waiting for her
payout account, and `release-due` pays her once she accepts. Her invoices then say so."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import Flask
from pypdf import PdfReader

from marketplace.contracts.services import auto_release_due
from marketplace.extensions import db
from marketplace.payments import mandate
from marketplace.payments.models import BillingMandate, Invoice
from tests import factories as f
from tests.conftest import ApiClient
from tests.payments.helpers import assert_balanced
from tests.web.browser import Browser
from tests.web.steps import sign_in


def _withdraw(app: Flask, user_id: str) -> None:
    """A secretary who has not accepted the mandate (an account from before it existed)."""
    with app.app_context():
        db.session.execute(
            sa.delete(BillingMandate).where(BillingMandate.user_id == uuid.UUID(user_id))
        )
        db.session.commit()


def _rows(app: Flask, user_id: str) -> list[BillingMandate]:
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(BillingMandate).where(BillingMandate.user_id == uuid.UUID(user_id))
            )
        )


def test_a_secretary_reads_then_accepts_the_mandate_once(api: ApiClient, app: Flask) -> None:
    claire = f.Rows(app).secretary("Claire Dubois", mandate=False)
    status, body = api.get("/api/v1/me/billing-mandate", token=claire["token"])
    assert status == 200, body
    assert body["version"] == mandate.VERSION and body["accepted_at"] is None
    assert "article 289 I-2 du code général des impôts" in body["text"]
    assert body["signer_name"] is None

    before = datetime.now(UTC)
    status, first = api.post("/api/v1/me/billing-mandate/accept", token=claire["token"])
    assert status == 200, first
    assert first["signer_name"] == "Claire Dubois" and first["version"] == mandate.VERSION
    assert datetime.fromisoformat(first["accepted_at"]) >= before
    status, again = api.post("/api/v1/me/billing-mandate/accept", token=claire["token"])
    assert (status, again) == (200, first)  # idempotent: the first acceptance is kept
    assert api.get("/api/v1/me/billing-mandate", token=claire["token"])[1] == first
    [row] = _rows(app, claire["id"])
    assert row.text_sha256 == mandate.text_sha256() and row.signer_name == "Claire Dubois"


def test_only_a_secretary_has_a_mandate(api: ApiClient, app: Flask) -> None:
    rows = f.Rows(app)
    business = rows.business()
    for method, path in (("get", ""), ("post", "/accept")):
        call = getattr(api, method)
        assert call(f"/api/v1/me/billing-mandate{path}", token=business["token"])[0] == 403
        assert call(f"/api/v1/me/billing-mandate{path}")[0] == 401
    operator = f.operator(api, app)
    assert api.get("/api/v1/me/billing-mandate", token=operator["token"])[0] == 403


def test_without_the_mandate_an_approval_is_held_until_she_accepts(
    api: ApiClient, app: Flask
) -> None:
    deal = f.Deal(api).to("delivered")
    _withdraw(app, deal.secretary["id"])
    status, payouts = api.get("/api/v1/me/payouts", token=deal.secretary["token"])
    assert payouts["status"] == "billing_mandate_not_accepted"
    assert payouts["payouts_enabled"] is False and payouts["account_status"] == "enabled"

    status, body = deal.act("approve", "business")
    assert status == 200, body
    assert body["status"] == "delivered" and body["approved_at"] is not None
    assert "accepte le mandat de facturation" in body["payout_pending"]
    assert_balanced(deal, 110_000)  # held, not paid, no invoice
    with app.app_context():
        assert auto_release_due() == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Invoice)) == 0

    assert api.post("/api/v1/me/billing-mandate/accept", token=deal.secretary["token"])[0] == 200
    with app.app_context():
        assert auto_release_due() == 1
    status, page = api.get(f"/api/v1/contracts/{deal.contract_id}", token=deal.business["token"])
    assert page["status"] == "released" and page["payout_pending"] is None
    assert_balanced(deal, 0)

    status, listed = api.get(
        f"/api/v1/contracts/{deal.contract_id}/invoices", token=deal.business["token"]
    )
    [service] = listed
    with app.app_context():
        invoice = db.session.get(Invoice, uuid.UUID(service["id"]))
        assert invoice.data["self_billed"] is True
        mention = invoice.data["self_billed_mention"]
        assert mention.startswith("Autofacturation")
        assert f"(version {mandate.VERSION})" in mention
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(invoice.pdf)).pages)
        assert "Autofacturation" in text and "accepté le" in text
    response = api.client.get(
        f"/api/v1/invoices/{service['id']}.xml",
        headers={"Authorization": f"Bearer {deal.business['token']}"},
    )
    assert b"<ram:TypeCode>389</ram:TypeCode>" in response.data
    assert b"Autofacturation" in response.data


def test_the_pages_show_the_mandate_and_accept_it(api: ApiClient, app: Flask) -> None:
    deal = f.Deal(api).to("delivered")
    _withdraw(app, deal.secretary["id"])
    assert deal.act("approve", "business")[0] == 200
    browser = Browser(app.test_client())
    sign_in(browser, deal.secretary["email"], f.PASSWORD)
    for path in ("/versements", "/tableau-de-bord"):
        page = browser.get(path)
        assert "Acceptez le mandat de facturation" in page, path
        assert 'href="/versements/mandat"' in page.html, path
    page = browser.get(f"/contrats/{deal.contract_id}")
    assert "Acceptez le mandat de facturation pour recevoir les fonds" in page

    business = Browser(app.test_client())
    sign_in(business, deal.business["email"], f.PASSWORD)
    page = business.get(f"/contrats/{deal.contract_id}")
    assert "jusqu'à ce que la secrétaire accepte le mandat de facturation" in page

    page = browser.get("/versements/mandat")
    assert "Mandat de facturation (article 289 I-2 du code général des impôts)" in page
    page = browser.submit(page, {}, action="/versements/mandat")
    assert page.path == "/versements"
    assert any("Mandat de facturation accepté" in text for text in page.flashes())
    assert "Acceptez le mandat de facturation" not in page
    page = browser.get("/versements/mandat")
    assert "Accepté le" in page and "par Secretary" in page
    assert not [form for form in page.forms if form.action == "/versements/mandat"]
    with app.app_context():
        assert auto_release_due() == 1


def test_a_business_cannot_open_the_mandate_page(api: ApiClient, app: Flask) -> None:
    business = f.Rows(app).business()
    browser = Browser(app.test_client())
    sign_in(browser, business["email"], f.PASSWORD)
    assert browser.get("/versements/mandat", expect=None).status == 403
    assert browser.client.post("/versements/mandat").status_code in (400, 403)
