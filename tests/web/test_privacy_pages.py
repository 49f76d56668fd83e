"""The account page (export, deletion), the privacy page, and the medical-mission notice."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from flask import Flask

from marketplace.privacy.erasure import DELETED_DISPLAY_NAME
from tests import factories as f
from tests.conftest import make_app
from tests.conversations.steps import open_thread
from tests.web.browser import Browser
from tests.web.steps import PASSWORD, sign_in, sign_up

HDS_WARNING = "ne publiez aucune donnée de patient"
HDS_HOSTED = "ce site est hébergé chez un hébergeur certifié de données de santé (HDS)"


def _browser(app: Flask, who: dict[str, Any]) -> Browser:
    browser = Browser(app.test_client())
    sign_in(browser, who["email"])
    return browser


def test_the_account_page_downloads_her_data(browser: Browser) -> None:
    email = sign_up(browser, "secretary", "Claire Dubois")
    page = browser.get("/compte")
    assert "Mes données" in page and 'href="/compte/export.zip"' in page.html
    response = browser.client.get("/compte/export.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    data = json.loads(zipfile.ZipFile(io.BytesIO(response.get_data())).read("data.json"))
    response.close()
    assert data["account"]["email"] == email
    assert data["account"]["display_name"] == "Claire Dubois"


def test_deletion_from_the_account_page_needs_the_box_and_the_password(browser: Browser) -> None:
    email = sign_up(browser, "business", "Dr Martin")
    page = browser.submit(
        "/compte", {"delete_password": PASSWORD}, action="/compte/supprimer", expect=422
    )
    assert "Cochez la case pour confirmer la suppression." in page
    page = browser.submit(
        "/compte",
        {"delete_password": "pas-le-bon", "confirm": "y"},
        action="/compte/supprimer",
        expect=422,
    )
    assert page.field_error("delete_password") == "Mot de passe incorrect."
    assert "pas-le-bon" not in page.html

    page = browser.submit(
        "/compte", {"delete_password": PASSWORD, "confirm": "y"}, action="/compte/supprimer"
    )
    assert page.path == "/"
    assert any("Votre compte est supprimé" in m for m in page.flashes())
    assert browser.get("/tableau-de-bord").path == "/connexion"
    again = browser.submit("/connexion", {"email": email, "password": PASSWORD}, expect=422)
    assert "Adresse e-mail ou mot de passe incorrect." in again


def test_deletion_from_the_page_is_refused_while_a_contract_is_under_way(api, app) -> None:
    deal = f.Deal(api).to("funded")
    browser = _browser(app, deal.secretary)
    page = browser.submit(
        "/compte",
        {"delete_password": f.PASSWORD, "confirm": "y"},
        action="/compte/supprimer",
        expect=409,
    )
    assert "Un de vos contrats est en cours" in page
    assert browser.get("/tableau-de-bord").heading() != "Connexion"


def test_the_privacy_page_lists_what_is_kept_why_and_how_long(browser: Browser) -> None:
    home = browser.get("/")
    assert 'href="/confidentialite"' in home.html  # the footer links to it
    page = browser.get("/confidentialite")
    assert page.heading() == "Confidentialité et données personnelles"
    for text in (
        "Jusqu'à la suppression du compte",
        "10 ans",
        "L123-22 du Code de commerce",
        "Journaux techniques",
        "Compte supprimé",
    ):
        assert text in page, text
    english = browser.get("/langue/en?next=/confidentialite")
    assert english.heading() == "Privacy and personal data"
    assert "Until the account is deleted" in english


def test_a_medical_mission_warns_against_patient_data(api, app) -> None:
    deal = f.Deal(api)
    _, thread = open_thread(api, deal.secretary, deal.mission["id"])
    browser = _browser(app, deal.secretary)
    assert HDS_WARNING in browser.get(f"/missions/{deal.mission['id']}")
    thread_page = browser.get(f"/messages/{thread['id']}")
    assert HDS_WARNING in thread_page.text_of("composer")

    rows = f.Rows(app)
    legal = rows.mission(deal.business, specialty="legal", skills=["legal_transcription"])
    page = _browser(app, deal.business).get(f"/missions/{legal['id']}")
    assert HDS_WARNING not in page and "HDS" not in page


def test_an_hds_hosted_install_says_so_instead(app, api, database_url, tmp_path_factory) -> None:
    hosted = make_app(database_url, tmp_path_factory, HDS_HOSTED="true")
    assert hosted.config["MARKETPLACE_SETTINGS"].hds_hosted is True
    deal = f.Deal(api)
    _, thread = open_thread(api, deal.secretary, deal.mission["id"])
    browser = _browser(hosted, deal.secretary)
    page = browser.get(f"/missions/{deal.mission['id']}")
    assert HDS_HOSTED in page and HDS_WARNING not in page
    assert HDS_HOSTED in browser.get(f"/messages/{thread['id']}").text_of("composer")
    assert "Ce site est hébergé chez un hébergeur certifié" in browser.get("/confidentialite")


def test_a_deleted_party_shows_as_compte_supprime_in_the_thread(api, app) -> None:
    deal = f.Deal(api).to("released")
    _, thread = open_thread(
        api, deal.business, deal.mission["id"], secretary_id=deal.secretary["id"]
    )
    status, body = api.call(
        "DELETE", "/api/v1/me", {"password": f.PASSWORD}, token=deal.secretary["token"]
    )
    assert status == 202, body
    page = _browser(app, deal.business).get(f"/messages/{thread['id']}")
    assert DELETED_DISPLAY_NAME in page
    assert deal.secretary["email"] not in page.html
