"""Invoices: issued with the release, numbered without gaps per issuer, immutable, PDF,
visible to their issuer and recipient only."""

from __future__ import annotations

import io
import uuid

import pytest
import sqlalchemy as sa
from flask import Flask
from pypdf import PdfReader

from marketplace.contracts import services as contracts
from marketplace.contracts.models import Contract
from marketplace.extensions import db
from marketplace.payments import escrow, invoices
from marketplace.payments.models import Invoice
from tests import factories as f


def _pdf_text(pdf: bytes) -> str:
    """The text drawn in the PDF (its fonts are embedded subsets: read back by pypdf)."""
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _invoices(api, deal: f.Deal, who: str) -> list[dict]:
    status, body = api.get(
        f"/api/v1/contracts/{deal.contract_id}/invoices", token=getattr(deal, who)["token"]
    )
    assert status == 200, body
    return list(body)


def test_a_release_issues_the_service_and_commission_invoices(api) -> None:
    deal = f.Deal(api).to("released")
    business_view = _invoices(api, deal, "business")
    secretary_view = _invoices(api, deal, "secretary")
    assert [i["kind"] for i in business_view] == ["service"]
    assert {i["kind"] for i in secretary_view} == {"service", "commission"}
    service = business_view[0]
    assert service["number"] == "F000001"
    assert service["total_cents"] == deal.contract["amount_cents"] == 110_000
    # under the VAT franchise (the default): no VAT, and the legal mention
    assert service["vat_cents"] == 0 and service["total_excl_tax_cents"] == 110_000
    assert service["vat_mention"] == "TVA non applicable, art. 293 B du CGI"
    commission = next(i for i in secretary_view if i["kind"] == "commission")
    assert commission["total_cents"] == 13_200  # 12 %
    assert commission["vat_cents"] == 2_200 and commission["total_excl_tax_cents"] == 11_000
    assert commission["number"] == "COM-000001"

    response = api.client.get(
        service["pdf_url"], headers={"Authorization": f"Bearer {deal.business['token']}"}
    )
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    text = _pdf_text(response.data)
    for expected in (
        "FACTURE",
        "F000001",
        "TVA non applicable, art. 293 B du CGI",
        "73282932000074",
        "69003",
        "Frappe de comptes rendus",
        "Cabinet du Dr Martin",
        "1\u00a0100,00",
    ):
        assert expected in text, expected


def test_a_vat_registered_secretary_invoices_with_20_percent_vat(api, app: Flask) -> None:
    deal = f.Deal(api)
    status, _ = api.put(
        "/api/v1/me/profile",
        f.secretary_profile(vat_regime="vat", vat_number="FR44732829320"),
        token=deal.secretary["token"],
    )
    assert status == 200
    deal.to("released")
    [service] = _invoices(api, deal, "business")
    assert service["vat_mention"] is None
    assert service["total_excl_tax_cents"] == 91_667 and service["vat_cents"] == 18_333
    with app.app_context():
        invoice = db.session.get(Invoice, uuid.UUID(service["id"]))
        assert "TVA 20 %" in _pdf_text(invoice.pdf)
        assert "N° TVA intracommunautaire : FR44732829320" in _pdf_text(invoice.pdf)
        assert "293 B" not in _pdf_text(invoice.pdf)


def test_numbers_run_without_gaps_per_issuer_even_after_a_rollback(api, app: Flask) -> None:
    first = f.Deal(api).to("released")
    second = f.Deal(api).to("delivered")
    # a release that fails after numbering its invoices gives the numbers back
    with app.app_context():
        contract = db.session.get(Contract, uuid.UUID(second.contract_id))
        escrow.release_to_secretary(contracts.ref(contract), contracts.invoice_facts(contract))
        db.session.flush()
        db.session.rollback()
    assert second.act("approve", "business")[0] == 200
    third = f.Deal(api).to("released")
    with app.app_context():
        platform = list(
            db.session.scalars(
                sa.select(Invoice.number)
                .where(Invoice.issuer_key == "platform")
                .order_by(Invoice.sequence)
            )
        )
        assert platform == ["COM-000001", "COM-000002", "COM-000003"]
        # each secretary has her own sequence
        for deal in (first, second, third):
            numbers = list(
                db.session.scalars(
                    sa.select(Invoice.number).where(
                        Invoice.issuer_key == f"secretary:{deal.secretary['id']}"
                    )
                )
            )
            assert numbers == ["F000001"]


def test_a_second_contract_of_the_same_secretary_gets_the_next_number(api) -> None:
    deal = f.Deal(api).to("released")
    mission = f.mission(api, deal.business)
    bid = f.bid(api, deal.secretary, mission["id"], 50_000)
    status, contract = api.post(f"/api/v1/bids/{bid['id']}/accept", token=deal.business["token"])
    assert status == 201
    f.accept_agreement(api, contract["id"], deal.secretary)
    for action, who in (("fund", "business"), ("deliver", "secretary"), ("approve", "business")):
        assert (
            api.post(
                f"/api/v1/contracts/{contract['id']}/{action}", token=getattr(deal, who)["token"]
            )[0]
            == 200
        )
    status, body = api.get(
        f"/api/v1/contracts/{contract['id']}/invoices", token=deal.business["token"]
    )
    assert [i["number"] for i in body] == ["F000002"]


def test_invoices_are_never_changed(api, app: Flask) -> None:
    deal = f.Deal(api).to("released")
    [service] = _invoices(api, deal, "business")
    with app.app_context():
        invoice = db.session.get(Invoice, uuid.UUID(service["id"]))
        invoice.total_cents = 1
        with pytest.raises(RuntimeError):
            db.session.flush()
        db.session.rollback()
        # not even with plain SQL
        with pytest.raises(sa.exc.DBAPIError):
            db.session.execute(sa.text("UPDATE invoices SET number = 'X'"))
        db.session.rollback()


def test_only_the_parties_see_invoices(api, app: Flask) -> None:
    deal = f.Deal(api).to("released")
    [service] = _invoices(api, deal, "business")
    commission = next(i for i in _invoices(api, deal, "secretary") if i["kind"] == "commission")
    outsider = f.business(api)
    assert (
        api.get(f"/api/v1/contracts/{deal.contract_id}/invoices", token=outsider["token"])[0] == 404
    )
    for invoice in (service, commission):
        assert api.get(f"/api/v1/invoices/{invoice['id']}", token=outsider["token"])[0] == 404
        r = api.client.get(
            invoice["pdf_url"], headers={"Authorization": f"Bearer {outsider['token']}"}
        )
        assert r.status_code == 404
    # the business does not see the platform's invoice to the secretary
    assert api.get(f"/api/v1/invoices/{commission['id']}", token=deal.business["token"])[0] == 404
    assert api.client.get(service["pdf_url"]).status_code == 401
    operator = f.operator(api, app)
    assert len(_invoices(api, deal, "business")) == 1
    status, body = api.get(
        f"/api/v1/contracts/{deal.contract_id}/invoices", token=operator["token"]
    )
    assert status == 200 and len(body) == 2


def test_no_invoice_without_release(api) -> None:
    deal = f.Deal(api).to("delivered")
    assert _invoices(api, deal, "business") == []
    deal.act("cancel", "business")
    assert _invoices(api, deal, "business") == []


def test_vat_is_split_from_the_amount_all_taxes_included() -> None:
    assert invoices.split_vat(120, vat_exempt=False) == (100, 20)


def test_characters_the_fonts_cannot_draw_become_question_marks() -> None:
    # PDF/A forbids drawing a missing glyph; the XML keeps the text as it is.
    assert invoices._text("Zoë Łukasiewicz, 中文") == "Zoë Łukasiewicz, ??"
