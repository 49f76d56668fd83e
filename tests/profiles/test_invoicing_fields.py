"""Profiles carry what an invoice names the parties by: a street address (line 1, optional
line 2) and the VAT regime (franchise en base, or VAT charged with a valid VAT number)."""

from __future__ import annotations

from flask import Flask

from tests import factories as f
from tests.conftest import ApiClient
from tests.web.browser import Browser
from tests.web.steps import fill_business_profile, sign_in, sign_up

VAT = "FR44732829320"  # the key and SIREN of the SIRET 732 829 320 00074


def test_a_secretary_gives_her_street_and_vat_regime(api: ApiClient, app: Flask) -> None:
    sec = f.Rows(app).secretary()
    status, body = api.put(
        "/api/v1/me/profile",
        f.secretary_profile(
            street_address=" 12 rue Paul Bert ",
            street_address_line2="Bâtiment B",
            vat_regime="vat",
            vat_number="fr44 732 829 320",
        ),
        token=sec["token"],
    )
    assert status == 200, body
    assert body["street_address"] == "12 rue Paul Bert"
    assert body["street_address_line2"] == "Bâtiment B"
    assert (body["vat_regime"], body["vat_number"], body["vat_exempt"]) == ("vat", VAT, False)
    assert api.get("/api/v1/me/profile", token=sec["token"])[1] == body
    # the public card says none of it
    public = api.get(f"/api/v1/secretaries/{sec['id']}")[1]
    assert not {"street_address", "vat_number", "vat_regime"} & set(public)

    status, body = api.put(
        "/api/v1/me/profile", f.secretary_profile(vat_regime="franchise"), token=sec["token"]
    )
    assert status == 200, body
    assert (body["vat_regime"], body["vat_number"], body["street_address"]) == (
        "franchise",
        None,
        "",
    )


def test_vat_charged_needs_a_valid_vat_number_of_her_siren(api: ApiClient, app: Flask) -> None:
    sec = f.Rows(app).secretary()
    for extra, message in (
        ({"vat_regime": "vat"}, "numéro de TVA"),
        ({"vat_regime": "vat", "vat_number": "FR45732829320"}, "clé de contrôle"),
        ({"vat_regime": "vat", "vat_number": "DE123456789"}, "FR, une clé"),
        ({"vat_regime": "vat", "vat_number": "FR64443061841"}, "SIREN de votre SIRET"),
        ({"vat_regime": "exempt"}, ""),
    ):
        status, body = api.put(
            "/api/v1/me/profile", f.secretary_profile(**extra), token=sec["token"]
        )
        field = "vat_regime" if extra["vat_regime"] == "exempt" else "vat_number"
        assert status == 422, (extra, body)
        assert message in " ".join(body["errors"]["json"][field]), body


def test_a_business_gives_its_street_and_vat_number(api: ApiClient, app: Flask) -> None:
    biz = f.Rows(app).business()
    status, body = api.put(
        "/api/v1/me/profile",
        f.business_profile(
            siret="44306184100047",
            street_address="4 place Maréchal Lyautey",
            vat_regime="vat",
            vat_number="FR64443061841",
        ),
        token=biz["token"],
    )
    assert status == 200, body
    assert body["street_address"] == "4 place Maréchal Lyautey"
    assert (body["vat_regime"], body["vat_number"]) == ("vat", "FR64443061841")
    status, body = api.put("/api/v1/me/profile", f.business_profile(), token=biz["token"])
    assert (body["vat_regime"], body["vat_number"]) == ("franchise", None)


def test_the_profile_pages_edit_the_street_and_vat_regime(app: Flask) -> None:
    browser = Browser(app.test_client())
    sign_up(browser, "business")
    fill_business_profile(browser)
    page = browser.submit(
        "/profil",
        {
            "company_name": "Cabinet du Dr Martin",
            "postal_code": "69006",
            "siret": "44306184100047",
            "street_address": "4 place Maréchal Lyautey",
            "street_address_line2": "3e étage",
            "vat_regime": "vat",
            "vat_number": "",
        },
        expect=422,
    )
    assert "Indiquez votre numéro de TVA" in page.field_error("vat_number")
    page = browser.submit(
        page,
        {
            "company_name": "Cabinet du Dr Martin",
            "postal_code": "69006",
            "siret": "44306184100047",
            "street_address": "4 place Maréchal Lyautey",
            "street_address_line2": "3e étage",
            "vat_regime": "vat",
            "vat_number": "FR64443061841",
        },
    )
    assert "Profil enregistré" in page
    assert page.value("street_address") == "4 place Maréchal Lyautey"
    assert page.value("street_address_line2") == "3e étage"
    assert page.value("vat_number") == "FR64443061841"

    secretary = Browser(app.test_client())
    sec = f.Rows(app).secretary()
    sign_in(secretary, sec["email"], f.PASSWORD)
    page = secretary.get("/profil")
    assert page.value("street_address") == "12 rue Paul Bert"
    assert 'value="franchise" selected' in page.html
