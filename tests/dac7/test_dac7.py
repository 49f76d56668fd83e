"""DAC7: a secretary gives what the directive needs (IBAN shown masked); her yearly
statement counts, per quarter, what she was paid net of commission, the commissions and
the payouts, from the ledger; the operator's report is a CSV and the OECD DPI XML."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import Flask
from lxml import etree

from marketplace.dac7 import services
from marketplace.extensions import db
from marketplace.payments.models import LedgerEntry
from tests import factories as f
from tests.conftest import ApiClient

IBAN = "FR76 3000 6000 0112 3456 7890 189"
TAX = {
    "legal_name": "Claire Dubois",
    "street_address": "12 rue Paul Bert",
    "postal_code": "69003",
    "city": "Lyon",
    "birth_date": "1985-04-12",
    "tin": "1234567890123",
    "iban": IBAN,
}


def _paid(api: ApiClient, amount: int, secretary: dict | None = None) -> f.Deal:
    deal = f.Deal(api, amount)
    if secretary is not None:
        deal.secretary = secretary
        deal.bid = f.Rows(api.client.application).bid(secretary, deal.mission["id"], amount)
    return deal.to("released")


def test_she_gives_her_tax_information_and_sees_her_iban_masked(api: ApiClient, app: Flask) -> None:
    sec = f.Rows(app).secretary()
    assert api.get("/api/v1/me/tax-profile", token=sec["token"])[0] == 404
    status, body = api.put("/api/v1/me/tax-profile", TAX, token=sec["token"])
    assert status == 200, body
    assert body["iban_masked"] == "FR76 •••• 0189" and "iban" not in body
    assert body["legal_name"] == "Claire Dubois" and body["birth_date"] == "1985-04-12"
    assert api.get("/api/v1/me/tax-profile", token=sec["token"])[1] == body


def test_wrong_tax_information_is_refused_field_by_field(api: ApiClient, app: Flask) -> None:
    sec = f.Rows(app).secretary()
    wrong = TAX | {"iban": "FR76 3000 6000 0112 3456 7890 188", "tin": "99999", "birth_date": None}
    status, body = api.put("/api/v1/me/tax-profile", wrong, token=sec["token"])
    assert status == 422, body
    assert set(body["errors"]["json"]) >= {"iban", "tin", "birth_date", "siren"}
    # a SIREN instead of a date of birth is enough
    status, body = api.put(
        "/api/v1/me/tax-profile",
        TAX | {"birth_date": None, "siren": "732 829 320"},
        token=sec["token"],
    )
    assert status == 200 and body["siren"] == "732829320", body


def test_only_a_secretary_has_tax_information_and_statements(api: ApiClient, app: Flask) -> None:
    business = f.Rows(app).business()
    for path in ("/api/v1/me/tax-profile", "/api/v1/me/tax-statements"):
        assert api.get(path, token=business["token"])[0] == 403
        assert api.get(path)[0] == 401
    assert api.put("/api/v1/me/tax-profile", TAX, token=business["token"])[0] == 403


def test_her_yearly_statement_counts_the_ledger_per_quarter(api: ApiClient, app: Flask) -> None:
    first = _paid(api, 110_000)
    sec = first.secretary
    _paid(api, 50_000, sec)
    year = datetime.now(UTC).year
    with app.app_context():  # the first release was in another quarter (the ledger's time)
        now_quarter = (datetime.now(services.PARIS).month - 1) // 3
        other = 0 if now_quarter else 1  # another quarter of the same year
        quarter_one = datetime(year, 3 * other + 2, 10, 12, tzinfo=UTC)
        db.session.execute(sa.text("ALTER TABLE ledger_entries DISABLE TRIGGER USER"))
        db.session.execute(
            sa.update(LedgerEntry)
            .where(LedgerEntry.contract_id == uuid.UUID(first.contract_id))
            .values(created_at=quarter_one)
        )
        db.session.execute(sa.text("ALTER TABLE ledger_entries ENABLE TRIGGER USER"))
        db.session.commit()
    status, listed = api.get("/api/v1/me/tax-statements", token=sec["token"])
    assert status == 200, listed
    assert listed == [{"year": year, "url": f"/api/v1/me/tax-statements/{year}", "final": False}]
    status, statement = api.get(listed[0]["url"], token=sec["token"])
    assert status == 200, statement
    quarters = statement["quarters"]
    assert quarters[other] == {
        "quarter": other + 1,
        "consideration_cents": 96_800,  # 1,100 € minus 12 %
        "fees_cents": 13_200,
        "activities": 1,
    }
    assert quarters[now_quarter]["consideration_cents"] == 44_000
    assert quarters[now_quarter]["fees_cents"] == 6_000
    assert statement["consideration_cents"] == 140_800 and statement["fees_cents"] == 19_200
    assert statement["activities"] == 2 and statement["information_complete"] is False
    # another year, someone else's: nothing
    assert api.get(f"/api/v1/me/tax-statements/{year - 1}", token=sec["token"])[0] == 404
    other = f.Rows(app).secretary()
    assert api.get("/api/v1/me/tax-statements", token=other["token"])[1] == []
    assert api.get(listed[0]["url"], token=other["token"])[0] == 404


def test_the_operator_report_is_csv_and_dpi_xml(api: ApiClient, app: Flask) -> None:
    deal = _paid(api, 110_000)
    assert api.put("/api/v1/me/tax-profile", TAX, token=deal.secretary["token"])[0] == 200
    _paid(api, 30_000)  # a secretary who gave nothing yet
    operator = f.operator(api, app)
    year = datetime.now(UTC).year
    headers = {"Authorization": f"Bearer {operator['token']}"}
    response = api.client.get(f"/api/v1/admin/tax-reports/{year}", headers=headers)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 2
    claire = next(r for r in rows if r["seller_id"] == deal.secretary["id"])
    assert claire["legal_name"] == "Claire Dubois" and claire["iban"] == IBAN.replace(" ", "")
    assert claire["consideration_cents"] == "96800" and claire["fees_cents"] == "13200"
    assert claire["activities"] == "1" and claire["information_complete"] == "yes"
    assert next(r for r in rows if r is not claire)["information_complete"] == "no"

    response = api.client.get(f"/api/v1/admin/tax-reports/{year}?format=xml", headers=headers)
    assert response.status_code == 200 and response.mimetype == "application/xml"
    xml = etree.fromstring(response.data)
    ns = {"dpi": services.DPI}
    assert xml.xpath("//dpi:ReportingPeriod/text()", namespaces=ns) == [f"{year}-12-31"]
    sellers = xml.xpath("//dpi:ReportableSeller", namespaces=ns)
    assert len(sellers) == 2
    ibans = xml.xpath("//dpi:FinancialIdentifier/dpi:Identifier/text()", namespaces=ns)
    assert ibans == [IBAN.replace(" ", "")]
    totals = xml.xpath("//dpi:Consideration/*/text()", namespaces=ns)
    assert "968.00" in totals

    for who in (deal.business, deal.secretary):
        assert api.get(f"/api/v1/admin/tax-reports/{year}", token=who["token"])[0] == 403
    assert api.get(f"/api/v1/admin/tax-reports/{year}")[0] == 401
