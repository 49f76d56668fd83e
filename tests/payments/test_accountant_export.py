"""The accountant's export: the business downloads a year of received invoices, each as its
Factur-X PDF exactly as issued, with a CSV of them (French spreadsheet conventions)."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, datetime

from flask import Flask

from marketplace.payments import facturx
from tests import factories as f
from tests.conftest import ApiClient
from tests.web.browser import Browser
from tests.web.steps import sign_in


def _export(api: ApiClient, who: dict, year: int) -> tuple[int, bytes, str]:
    response = api.client.get(
        f"/api/v1/me/invoices/export?year={year}",
        headers={"Authorization": f"Bearer {who['token']}"},
    )
    return response.status_code, response.data, response.mimetype


def test_the_business_exports_a_year_of_invoices_for_its_accountant(
    api: ApiClient, app: Flask
) -> None:
    first = f.Deal(api).to("released")
    second = f.Deal(api, 55_000)
    second.business = first.business
    second.mission = f.Rows(app).mission(first.business)
    second.bid = f.Rows(app).bid(second.secretary, second.mission["id"], 55_000)
    second.to("released")
    year = datetime.now(UTC).year
    status, data, mimetype = _export(api, first.business, year)
    assert status == 200 and mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(data))
    pdfs = sorted(n for n in archive.namelist() if n.endswith(".pdf"))
    assert len(pdfs) == 2  # the service invoices it received (commissions are hers)
    status, listed = api.get(
        f"/api/v1/contracts/{first.contract_id}/invoices", token=first.business["token"]
    )
    stored = api.client.get(
        listed[0]["pdf_url"], headers={"Authorization": f"Bearer {first.business['token']}"}
    ).data
    assert stored in [archive.read(n) for n in pdfs]  # the very bytes issued
    for name in pdfs:
        assert facturx.embedded_xml(archive.read(name)).startswith(b"<?xml")
    text = archive.read(f"factures-{year}.csv").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert len(rows) == 2
    assert {r["Total TTC"] for r in rows} == {"1100,00", "550,00"}
    assert all(r["Mention TVA"] == "TVA non applicable, art. 293 B du CGI" for r in rows)
    assert {r["Fichier"] for r in rows} == set(pdfs)

    status, data, _ = _export(api, first.business, year - 1)
    assert status == 200
    assert zipfile.ZipFile(io.BytesIO(data)).namelist() == [f"factures-{year - 1}.csv"]


def test_only_a_business_exports_and_only_its_own(api: ApiClient, app: Flask) -> None:
    deal = f.Deal(api).to("released")
    year = datetime.now(UTC).year
    assert _export(api, deal.secretary, year)[0] == 403
    other = f.Rows(app).business()
    status, data, _ = _export(api, other, year)
    assert status == 200 and [n for n in zipfile.ZipFile(io.BytesIO(data)).namelist()] == [
        f"factures-{year}.csv"
    ]
    assert api.client.get(f"/api/v1/me/invoices/export?year={year}").status_code == 401
    assert api.get("/api/v1/me/invoices/export?year=12", token=deal.business["token"])[0] == 422


def test_the_business_dashboard_links_the_export(api: ApiClient, app: Flask) -> None:
    deal = f.Deal(api).to("released")
    browser = Browser(app.test_client())
    sign_in(browser, deal.business["email"], f.PASSWORD)
    page = browser.get("/tableau-de-bord")
    year = datetime.now(UTC).year
    assert f'href="/factures/export?annee={year}"' in page.html
    with browser.client.get(f"/factures/export?annee={year}") as response:
        assert response.status_code == 200 and response.mimetype == "application/zip"
