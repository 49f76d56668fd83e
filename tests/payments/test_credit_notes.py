"""Credit notes (avoirs): money given back after a release corrects the issued invoices by
credit notes in the same numbering, typed 261 (self-billed, in her name) and 381 (the
platform's), naming the invoice and its date; the invoices themselves never change. Money
refunded before anything was invoiced (cancellation, dispute split) has no credit note.
Every credit note passes Mustang's validator (PDF/A-3, Factur-X XSD, EN 16931 schematron)."""

from __future__ import annotations

import hashlib
import io
import uuid
import zipfile
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from lxml import etree

from marketplace.extensions import db
from marketplace.payments import ledger
from marketplace.payments.models import Invoice
from tests import factories as f
from tests.conftest import ApiClient, make_app
from tests.contracts.test_milestones import Split
from tests.payments.test_facturx import NS, PLATFORM, _download, mustang
from tests.regular.steps import Engagement
from tests.web.browser import Browser
from tests.web.steps import sign_in


@pytest.fixture
def platform_api(app: Flask, database_url: str, tmp_path_factory: pytest.TempPathFactory):
    """The platform's identity configured: its commission credit notes charge VAT."""
    return ApiClient(make_app(database_url, tmp_path_factory, **PLATFORM).test_client())


def _invoices(api: ApiClient, deal: f.Deal, who: str = "secretary") -> list[dict[str, Any]]:
    status, body = api.get(
        f"/api/v1/contracts/{deal.contract_id}/invoices", token=getattr(deal, who)["token"]
    )
    assert status == 200, body
    return list(body)


def _credit(
    api: ApiClient, deal: f.Deal, invoice_id: str, amount: int, token: str | None = None
) -> Any:
    return api.post(
        f"/api/v1/contracts/{deal.contract_id}/credit-notes",
        {"invoice_id": invoice_id, "amount_cents": amount, "reason": "Geste commercial"},
        token=token or deal.secretary["token"],
    )


def _service(invoices: list[dict[str, Any]]) -> dict[str, Any]:
    return next(i for i in invoices if i["kind"] == "service")


def test_a_refund_after_release_issues_two_valid_credit_notes(
    platform_api: ApiClient, app: Flask, tmp_path: Path
) -> None:
    deal = f.Deal(platform_api).to("released")
    before = _invoices(platform_api, deal)
    service = _service(before)
    commission = next(i for i in before if i["kind"] == "commission")
    with app.app_context():
        stored = db.session.get(Invoice, uuid.UUID(service["id"]))
        assert stored is not None
        original_pdf = hashlib.sha256(stored.pdf).hexdigest()

    status, body = _credit(platform_api, deal, service["id"], 40_000)
    assert status == 201, body
    notes = {n["kind"]: n for n in body["credit_notes"]}
    avoir, commission_avoir = notes["service_credit"], notes["commission_credit"]
    # her credit note: in her numbering, right after her invoice; 40,000 given back, 12 %
    # of it (4,800) by the platform and 35,200 from what she was paid
    assert (service["number"], avoir["number"]) == ("F000001", "F000002")
    assert avoir["total_cents"] == 40_000 and avoir["document_type"] == "credit_note"
    assert avoir["type_code"] == "261" and avoir["corrects"]["number"] == "F000001"
    assert avoir["corrects"]["issued_on"] == service["issued_at"][:10]
    assert commission_avoir["number"] == "COM-000002" and commission_avoir["total_cents"] == 4_800
    assert commission_avoir["type_code"] == "381"
    assert commission_avoir["corrects"]["number"] == commission["number"]

    # the ledger: a balanced credit movement, the business got 40,000 back
    entries = deal.ledger(deal.business["token"])
    assert entries["balanced"], entries
    credit = [e for e in entries["entries"] if e["kind"] == "credit"]
    assert {e["account"]: e["amount_cents"] for e in credit} == {
        "business": 40_000,
        "secretary": -35_200,
        "platform": -4_800,
    }

    # the invoice list shows all four, each with its kind; the invoice itself unchanged
    listed = _invoices(platform_api, deal, "business")
    assert [i["document_type"] for i in listed].count("credit_note") == 1  # hers, to him
    with app.app_context():
        stored = db.session.get(Invoice, uuid.UUID(service["id"]))
        assert stored is not None
        assert hashlib.sha256(stored.pdf).hexdigest() == original_pdf

    # each credit note is a valid Factur-X EN 16931 document naming the corrected invoice
    for note, who in ((avoir, deal.business), (commission_avoir, deal.secretary)):
        pdf = _download(platform_api, note["pdf_url"], who["token"]).data
        path = tmp_path / f"{note['number']}.pdf"
        path.write_bytes(pdf)
        valid, report = mustang(path)
        assert valid, report
        xml_response = _download(platform_api, f"/api/v1/invoices/{note['id']}.xml", who["token"])
        xml_path = tmp_path / f"{note['number']}.xml"
        xml_path.write_bytes(xml_response.data)
        valid, report = mustang(xml_path)
        assert valid, report
        xml = etree.fromstring(xml_response.data)
        assert xml.xpath("//rsm:ExchangedDocument/ram:TypeCode/text()", namespaces=NS) == [
            note["type_code"]
        ]
        referenced = "//ram:InvoiceReferencedDocument"
        assert xml.xpath(f"{referenced}/ram:IssuerAssignedID/text()", namespaces=NS) == [
            note["corrects"]["number"]
        ]
        assert xml.xpath(f"{referenced}//qdt:DateTimeString/text()", namespaces=NS) == [
            note["corrects"]["issued_on"].replace("-", "")
        ]
    avoir_xml = _download(
        platform_api, f"/api/v1/invoices/{avoir['id']}.xml", deal.business["token"]
    )
    notes_text = " ".join(
        etree.fromstring(avoir_xml.data).xpath(
            "//ram:IncludedNote/ram:Content/text()", namespaces=NS
        )
    )
    assert "Autofacturation" in notes_text and "mandat de facturation" in notes_text


def test_a_credit_is_refused_twice_above_the_invoice_and_to_anyone_but_her(
    api: ApiClient, app: Flask
) -> None:
    deal = f.Deal(api).to("released")
    service = _service(_invoices(api, deal))
    status, body = _credit(api, deal, service["id"], 110_001)
    assert status == 422 and "amount_cents" in str(body["errors"]), body
    status, body = _credit(api, deal, service["id"], 1, token=deal.business["token"])
    assert status == 403, body
    other = f.Deal(api).to("released")
    status, body = api.post(
        f"/api/v1/contracts/{deal.contract_id}/credit-notes",
        {"invoice_id": service["id"], "amount_cents": 100, "reason": "Essai"},
        token=other.secretary["token"],
    )
    assert status == 404, body
    commission = next(i for i in _invoices(api, deal) if i["kind"] == "commission")
    status, body = _credit(api, deal, commission["id"], 100)
    assert status == 422 and "invoice_id" in str(body["errors"]), body

    status, body = _credit(api, deal, service["id"], 110_000)
    assert status == 201, body
    status, again = _credit(api, deal, service["id"], 100)
    assert status == 409 and again["error"] == "already_credited", again
    with app.app_context():
        assert ledger.global_imbalance() == 0
    # a whole refund gives the whole commission back
    notes = {n["kind"]: n for n in body["credit_notes"]}
    assert notes["commission_credit"]["total_cents"] == 13_200


def test_money_refunded_before_any_invoice_has_no_credit_note(api: ApiClient, app: Flask) -> None:
    """Cancellation after funding, and a dispute split: only the released part is invoiced,
    the refunded part never was, so no credit note."""
    cancelled = f.Deal(api)
    cancelled.hire()
    assert cancelled.act("fund", "business")[0] == 200
    assert cancelled.act("cancel", "business")[0] == 200
    assert _invoices(api, cancelled, "business") == []

    disputed = f.Deal(api).to("disputed")
    status, body = disputed.resolve(f.operator(api, app), 60_000, 50_000)
    assert status == 200, body
    listed = _invoices(api, disputed, "business")
    assert [(i["kind"], i["total_cents"]) for i in listed] == [("service", 60_000)]
    assert all(i["document_type"] == "invoice" for i in _invoices(api, disputed))


def test_a_credit_note_is_in_the_accountant_export(api: ApiClient) -> None:
    deal = f.Deal(api).to("released")
    service = _service(_invoices(api, deal))
    assert _credit(api, deal, service["id"], 10_000)[0] == 201
    year = service["issued_at"][:4]
    response = api.client.get(
        f"/api/v1/me/invoices/export?year={year}",
        headers={"Authorization": f"Bearer {deal.business['token']}"},
    )
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    csv_text = archive.read(f"factures-{year}.csv").decode("utf-8-sig")
    lines = csv_text.strip().splitlines()
    assert lines[0].startswith("Date;Type;Numéro")
    avoir = next(line for line in lines if ";Avoir;" in line)
    assert "F000002" in avoir and "-100,00" in avoir and "F000001" in avoir
    assert any(name.endswith("F000002.pdf") for name in archive.namelist())


def test_she_refunds_from_the_contract_page_and_both_see_the_credit_note(client, api) -> None:
    deal = f.Deal(api).to("released")
    service = _service(_invoices(api, deal))
    browser = Browser(client)
    sign_in(browser, deal.secretary["email"])
    path = f"/contrats/{deal.contract_id}"
    action = f"{path}/avoir"
    page = browser.get(path)
    assert "Rembourser le client (avoir)" in page
    refused = browser.submit(
        page,
        {"invoice_id": service["id"], "amount_cents": "2000", "reason": "Trop"},
        action=action,
        expect=422,
    )
    assert refused.field_error("amount_cents")
    done = browser.submit(
        path,
        {"invoice_id": service["id"], "amount_cents": "150,50", "reason": "Geste commercial"},
        action=action,
    )
    assert any("Avoir n° F000002" in message for message in done.flashes()), done.flashes()
    assert "Avoir n° F000002" in done and "Rembourser le client (avoir)" not in done

    business = Browser(Flask.test_client(client.application))
    sign_in(business, deal.business["email"])
    seen = business.get(path)
    assert "Avoir n° F000002" in seen and "sur la facture n° F000001" in seen
    assert "Rembourser le client (avoir)" not in seen
    listed = {i["number"]: i for i in _invoices(api, deal, "business")}
    assert listed["F000002"]["total_cents"] == 15_050


def test_a_refund_is_taken_off_her_dac7_consideration(api: ApiClient) -> None:
    deal = f.Deal(api).to("released")
    service = _service(_invoices(api, deal))
    year = int(service["issued_at"][:4])

    def totals() -> dict[str, Any]:
        status, body = api.get(f"/api/v1/me/tax-statements/{year}", token=deal.secretary["token"])
        assert status == 200, body
        return dict(body)

    before = totals()
    assert _credit(api, deal, service["id"], 40_000)[0] == 201
    after = totals()
    assert after["consideration_cents"] == before["consideration_cents"] - 35_200
    assert after["fees_cents"] == before["fees_cents"] - 4_800
    assert after["activities"] == before["activities"] == 1


def test_a_released_milestone_is_credited_on_its_own(api: ApiClient, app: Flask) -> None:
    deal = Split(api, (60_000, 40_000)).hire()
    deal.walk(1, "fund", "deliver", "approve")
    deal.walk(2, "fund", "deliver", "approve")
    status, listed = api.get(f"{deal.path}/invoices", token=deal.secretary["token"])
    second = next(i for i in listed if i["kind"] == "service" and i["total_cents"] == 40_000)
    status, body = api.post(
        f"{deal.path}/credit-notes",
        {"invoice_id": second["id"], "amount_cents": 40_000, "reason": "Jalon annulé"},
        token=deal.secretary["token"],
    )
    assert status == 201, body
    notes = {n["kind"]: n for n in body["credit_notes"]}
    assert notes["service_credit"]["number"] == "F000003"
    assert notes["service_credit"]["part_id"] == second["part_id"]
    assert notes["commission_credit"]["total_cents"] == 4_800
    entries = deal.ledger()
    assert entries["balanced"] and entries["balances"]["business"] == -60_000
    with app.app_context():
        assert ledger.global_imbalance() == 0


def test_an_approved_period_of_regular_work_is_credited(api: ApiClient) -> None:
    e = Engagement(api)
    first = e.period()
    e.fund(first["id"])
    e.log(120)
    assert e.act(first["id"], "submit", "secretary")[0] == 200
    status, approved = e.act(first["id"], "approve", "business")
    assert status == 200, approved
    status, listed = e.get(f"/api/v1/contracts/{e.id}/invoices", "secretary")
    service = next(i for i in listed if i["kind"] == "service")
    status, body = api.post(
        f"/api/v1/contracts/{e.id}/credit-notes",
        {"invoice_id": service["id"], "amount_cents": 1_000, "reason": "Une erreur d'heure"},
        token=e.token("secretary"),
    )
    assert status == 201, body
    [avoir] = [n for n in body["credit_notes"] if n["kind"] == "service_credit"]
    assert avoir["part_id"] == first["id"] and avoir["corrects"]["number"] == service["number"]
    entries = e.ledger()
    assert entries["balanced"] is True
    assert entries["balances"]["business"] == -(service["total_cents"] - 1_000)
