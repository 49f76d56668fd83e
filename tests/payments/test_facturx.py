"""Factur-X: every invoice a release issues is a PDF/A-3 carrying its CII XML (EN 16931),
judged valid by a validator nobody here wrote: Mustangproject's (PDF/A-3 through veraPDF,
the Factur-X XSD, the EN 16931 schematron). The XML alone at /api/v1/invoices/{id}.xml.

The validator jar is fetched and pinned by scripts/services/mustang.sh; scripts/test exports
MUSTANG_JAVA and MUSTANG_JAR. Without them these tests FAIL (never skip): CI cannot go green
without having validated an invoice.
"""

from __future__ import annotations

import io
import os
import subprocess
import uuid
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from fpdf import FPDF
from lxml import etree
from pypdf import PdfReader

from marketplace.errors import NotFound
from marketplace.extensions import db
from marketplace.payments import facturx, invoices
from marketplace.payments.models import Invoice
from tests import factories as f
from tests.conftest import ApiClient, make_app

VALIDATE_JAVA = Path(__file__).parent / "mustang" / "Validate.java"
PLATFORM = {
    "PLATFORM_LEGAL_NAME": "Secrétariats Indépendants SAS",
    "PLATFORM_SIRET": "44306184100047",
    "PLATFORM_VAT_NUMBER": "FR64443061841",
    "PLATFORM_ADDRESS": "8 rue de Londres, 75009 Paris, France",
}
NS = facturx.NSMAP


def mustang(path: Path) -> tuple[bool, str]:
    """(valid, report) of Mustangproject's validator on one file."""
    java, jar = os.environ.get("MUSTANG_JAVA"), os.environ.get("MUSTANG_JAR")
    if not java or not jar:
        pytest.fail(
            "MUSTANG_JAVA / MUSTANG_JAR are not set: run the tests with scripts/test "
            "(scripts/services/mustang.sh fetches the validator)"
        )
    run = subprocess.run(  # noqa: S603 - our own pinned jar and source file
        [java, "-cp", jar, str(VALIDATE_JAVA), str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return run.returncode == 0, run.stdout + run.stderr


@pytest.fixture
def platform_api(app: Flask, database_url: str, tmp_path_factory: pytest.TempPathFactory):
    """An app whose platform identity is configured (its commission invoices charge VAT,
    which EN 16931 accepts only with the seller's VAT number)."""
    return ApiClient(make_app(database_url, tmp_path_factory, **PLATFORM).test_client())


def _released_invoices(api: ApiClient, **deal: Any) -> tuple[f.Deal, dict[str, Any], dict]:
    released = f.Deal(api, **deal).to("released")
    status, body = api.get(
        f"/api/v1/contracts/{released.contract_id}/invoices", token=released.secretary["token"]
    )
    assert status == 200, body
    by_kind = {i["kind"]: i for i in body}
    return released, by_kind["service"], by_kind["commission"]


def _download(api: ApiClient, url: str, token: str) -> Any:
    response = api.client.get(url, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.data[:300]
    return response


def test_each_invoice_of_a_release_is_a_valid_facturx_en16931(
    platform_api: ApiClient, tmp_path: Path
) -> None:
    deal, service, commission = _released_invoices(platform_api)
    for invoice, who in ((service, deal.business), (commission, deal.secretary)):
        pdf = _download(platform_api, invoice["pdf_url"], who["token"]).data
        path = tmp_path / f"{invoice['number']}.pdf"
        path.write_bytes(pdf)
        valid, report = mustang(path)
        assert valid, report
        assert 'status="valid"' in report


def test_the_xml_says_what_the_invoice_says(platform_api: ApiClient, app: Flask) -> None:
    deal, service, commission = _released_invoices(platform_api)
    with app.app_context():
        stored = db.session.get(Invoice, uuid.UUID(service["id"]))
        assert stored is not None
        funded_on, delivered_on = stored.data["period"]["start"], stored.data["period"]["end"]
        stored_seller = stored.data["issuer"]["name"]
    response = _download(
        platform_api, f"/api/v1/invoices/{service['id']}.xml", deal.business["token"]
    )
    assert response.mimetype == "application/xml"
    assert f'filename="facture-{service["number"]}.xml"' in response.headers["Content-Disposition"]
    xml = etree.fromstring(response.data)

    def text(path: str) -> list[str]:
        return [str(v) for v in xml.xpath(path + "/text()", namespaces=NS)]

    assert text("//rsm:ExchangedDocumentContext//ram:ID") == ["urn:cen.eu:en16931:2017"]
    assert text("rsm:ExchangedDocument/ram:ID") == [service["number"]]
    assert text("rsm:ExchangedDocument/ram:TypeCode") == ["389"]  # self-billed, under mandate
    notes = " ".join(text("//ram:IncludedNote/ram:Content"))
    assert "Autofacturation" in notes and "40 €" in notes
    assert "TVA non applicable, art. 293 B du CGI" in text("//ram:ExemptionReason")
    assert text(
        "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/ram:CategoryCode"
    ) == ["E"]
    seller = "//ram:SellerTradeParty"
    assert text(f"{seller}/ram:Name") == [stored_seller]
    assert text(f"{seller}/ram:SpecifiedLegalOrganization/ram:ID") == ["732829320"]
    # under the franchise she has no VAT number: her SIREN as tax registration (BR-E-02)
    assert text(f"{seller}/ram:SpecifiedTaxRegistration/ram:ID[@schemeID='FC']") == ["732829320"]
    assert text(f"{seller}//ram:PostcodeCode") == ["69003"]
    assert text(f"{seller}//ram:CountryID") == ["FR"]
    assert text("//ram:BuyerTradeParty/ram:Name") == ["Cabinet du Dr Martin"]
    # the period of service: from the funding to the delivery, in the stored data
    period = "//ram:BillingSpecifiedPeriod"
    assert text(f"{period}/ram:StartDateTime/udt:DateTimeString") == [funded_on.replace("-", "")]
    assert text(f"{period}/ram:EndDateTime/udt:DateTimeString") == [delivered_on.replace("-", "")]
    assert text("//ram:GrandTotalAmount") == ["1100.00"]
    assert text("//ram:DuePayableAmount") == ["0.00"]
    assert text("//ram:BilledQuantity") == ["1"]

    # the XML route returns the very file the PDF carries
    pdf = _download(platform_api, service["pdf_url"], deal.business["token"]).data
    attachments = PdfReader(io.BytesIO(pdf)).attachments
    assert attachments["factur-x.xml"] == [response.data]

    commission_xml = etree.fromstring(
        _download(
            platform_api, f"/api/v1/invoices/{commission['id']}.xml", deal.secretary["token"]
        ).data
    )
    assert commission_xml.xpath("string(rsm:ExchangedDocument/ram:TypeCode)", namespaces=NS) == (
        "380"
    )
    assert (
        commission_xml.xpath(
            "string(//ram:SellerTradeParty//ram:ID[@schemeID='VA'])", namespaces=NS
        )
        == "FR64443061841"
    )


def test_the_xml_route_alone_passes_the_validator(platform_api: ApiClient, tmp_path: Path) -> None:
    deal, service, _ = _released_invoices(platform_api)
    path = tmp_path / "service.xml"
    path.write_bytes(
        _download(
            platform_api, f"/api/v1/invoices/{service['id']}.xml", deal.business["token"]
        ).data
    )
    valid, report = mustang(path)
    assert valid, report


def test_the_xml_is_visible_to_the_invoices_parties_only(api: ApiClient) -> None:
    deal, service, commission = _released_invoices(api)
    outsider = f.business(api)
    for invoice in (service, commission):
        url = f"/api/v1/invoices/{invoice['id']}.xml"
        r = api.client.get(url, headers={"Authorization": f"Bearer {outsider['token']}"})
        assert r.status_code == 404
        assert api.client.get(url).status_code == 401
    url = f"/api/v1/invoices/{commission['id']}.xml"
    r = api.client.get(url, headers={"Authorization": f"Bearer {deal.business['token']}"})
    assert r.status_code == 404


def test_hourly_work_is_billed_in_hours_by_kind_with_its_entries_annexed(
    platform_api: ApiClient, tmp_path: Path
) -> None:
    from tests.regular.steps import Engagement

    e = Engagement(platform_api, hourly_one_off=True)
    [period] = e.periods()
    e.fund(period["id"])
    e.log(150, task="Prise de rendez-vous")
    e.log(50, "evening", task="Rappels des patients")
    e.act(period["id"], "submit", "secretary")
    status, body = e.act(period["id"], "approve", "business")
    assert status == 200, body
    status, invoices = platform_api.get(
        f"/api/v1/contracts/{e.id}/invoices", token=e.business["token"]
    )
    assert status == 200, invoices
    [service] = invoices
    assert service["total_cents"] == 7_500 + 3_125  # 2 h 30 at 30 EUR, 50 min at 37.50 EUR
    xml = _download(platform_api, f"/api/v1/invoices/{service['id']}.xml", e.business["token"])
    tree = etree.fromstring(xml.data)
    quantities = [
        (q.text, q.get("unitCode")) for q in tree.xpath("//ram:BilledQuantity", namespaces=NS)
    ]
    assert quantities == [("2.5", "HUR"), ("0.8333", "HUR")]
    path = tmp_path / "hourly.pdf"
    pdf = _download(platform_api, service["pdf_url"], e.business["token"]).data
    path.write_bytes(pdf)
    valid, report = mustang(path)
    assert valid, report
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Annexe : relevé des heures" in text
    assert "Rappels des patients" in text and "0 h 50" in text


def test_the_xml_route_is_in_the_openapi_document(client) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/invoices/{invoice_id}.xml"]["get"]
    assert "application/xml" in operation["responses"]["200"]["content"]


def test_an_invoice_issued_before_facturx_has_no_xml(app: Flask) -> None:
    plain = FPDF()
    plain.add_page()
    with app.app_context(), pytest.raises(NotFound):
        invoices.invoice_xml(Invoice(number="F000001", pdf=bytes(plain.output())))


def test_street_addresses_and_vat_numbers_reach_a_valid_invoice(
    platform_api: ApiClient, app: Flask, tmp_path: Path
) -> None:
    """A VAT-registered secretary and a VAT-registered business with street addresses: the
    XML names both streets and VAT numbers (BT-31, BT-48), charges 20 %, and stays valid."""
    deal = f.Deal(platform_api)
    status, body = platform_api.put(
        "/api/v1/me/profile",
        f.secretary_profile(
            street_address="12 rue Paul Bert",
            street_address_line2="Bâtiment B",
            vat_regime="vat",
            vat_number="FR 44 732829320",
        ),
        token=deal.secretary["token"],
    )
    assert status == 200, body
    status, body = platform_api.put(
        "/api/v1/me/profile",
        f.business_profile(
            siret="44306184100047",
            street_address="4 place Maréchal Lyautey",
            vat_regime="vat",
            vat_number="FR64443061841",
        ),
        token=deal.business["token"],
    )
    assert status == 200, body
    deal.to("released")
    status, listed = platform_api.get(
        f"/api/v1/contracts/{deal.contract_id}/invoices", token=deal.secretary["token"]
    )
    by_kind = {i["kind"]: i for i in listed}
    service, commission = by_kind["service"], by_kind["commission"]
    assert service["vat_cents"] == 18_333 and service["vat_mention"] is None
    xml = etree.fromstring(
        _download(
            platform_api, f"/api/v1/invoices/{service['id']}.xml", deal.business["token"]
        ).data
    )

    def text(path: str) -> list[str]:
        return [str(v) for v in xml.xpath(path + "/text()", namespaces=NS)]

    seller, buyer = "//ram:SellerTradeParty", "//ram:BuyerTradeParty"
    assert text(f"{seller}//ram:LineOne") == ["12 rue Paul Bert"]
    assert text(f"{seller}//ram:LineTwo") == ["Bâtiment B"]
    assert text(f"{seller}/ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']") == [
        "FR44732829320"
    ]
    assert text(f"{buyer}//ram:LineOne") == ["4 place Maréchal Lyautey"]
    assert text(f"{buyer}/ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']") == ["FR64443061841"]
    assert text(
        "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/ram:CategoryCode"
    ) == ["S"]
    for invoice, who in ((service, deal.business), (commission, deal.secretary)):
        pdf = _download(platform_api, invoice["pdf_url"], who["token"]).data
        assert "12 rue Paul Bert" in "".join(
            page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages
        )
        path = tmp_path / f"{invoice['number']}.pdf"
        path.write_bytes(pdf)
        valid, report = mustang(path)
        assert valid, report
