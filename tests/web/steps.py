"""What people do on the pages, step by step, for the page tests."""

from __future__ import annotations

import itertools
import re
from datetime import date, timedelta
from email import policy
from email.parser import BytesParser
from pathlib import Path
from typing import Any

from marketplace.jobs import runner
from tests.web.browser import Browser, Page

PASSWORD = "motdepasse-solide"
_counter = itertools.count(1)


def sign_up(browser: Browser, role: str, name: str | None = None) -> str:
    n = next(_counter)
    email = f"web-{role}{n}@exemple.fr"
    page = browser.submit(
        f"/inscription?role={role}",
        {
            "role": role,
            "display_name": name or f"{role.title()} {n}",
            "email": email,
            "password": PASSWORD,
        },
    )
    assert page.path == "/profil", page.text[:500]
    verify_address(browser, email)
    return email


def verify_address(browser: Browser, email: str) -> None:
    """Follow the link of her verification e-mail (the file mailer wrote it: tests do not
    send to Mailpit here; tests/accounts/test_recovery.py reads the real one)."""
    app = browser.client.application
    with app.app_context():
        runner.run_pending()
    path = newest_link(app.extensions["mailer"].directory, email, "/compte/verifier/")
    browser.get(path)


def sign_in(browser: Browser, email: str, password: str = PASSWORD) -> Page:
    return browser.submit("/connexion", {"email": email, "password": password})


def secretary_form(**overrides: Any) -> dict[str, Any]:
    return {
        "headline": "Secrétaire médicale à distance, 12 ans d'expérience",
        "bio": "Gestion d'agenda, frappe de comptes rendus, accueil téléphonique.",
        "specialties": ["medical"],
        "skills": ["medical_transcription", "phone_reception"],
        "hourly_rate": "28,50",
        "surcharge_percent": "20",
        "postal_code": "69003",
        "remote": "y",
        "onsite_radius_km": "20",
        "languages": ["fr", "en"],
        "weekdays": ["mon", "tue", "thu"],
        "hours_per_week": "20",
        "available_from": date.today().isoformat(),
        "siret": "732 829 320 00074",
        "street_address": "12 rue Paul Bert",
        "vat_regime": "franchise",
    } | overrides


def fill_secretary_profile(browser: Browser, **overrides: Any) -> Page:
    page = browser.submit("/profil", secretary_form(**overrides))
    assert "Profil enregistré" in page, page.text[:800]
    return page


def accept_billing_mandate(browser: Browser) -> Page:
    """She reads the billing mandate and accepts it (without it she is not paid)."""
    page = browser.submit("/versements/mandat", {}, action="/versements/mandat")
    assert any("Mandat de facturation accepté" in text for text in page.flashes()), page
    return page


def fill_business_profile(browser: Browser, **overrides: Any) -> Page:
    data = {
        "company_name": "Cabinet du Dr Martin",
        "sector": "Santé",
        "postal_code": "69006",
        "siret": "",
    } | overrides
    page = browser.submit("/profil", data)
    assert "Profil enregistré" in page, page.text[:800]
    return page


def mission_form(**overrides: Any) -> dict[str, Any]:
    start = date.today() + timedelta(days=7)
    return {
        "title": "Frappe de comptes rendus de consultation",
        "description": "Cabinet de cardiologie : 40 comptes rendus par semaine à taper "
        "à partir de dictées, pendant un mois.",
        "specialty": "medical",
        "skills": ["medical_transcription"],
        "pricing": "fixed",
        "budget": "1 200",
        "estimated_hours": "40",
        "postal_code": "69006",
        "remote_ok": "y",
        "start_date": start.isoformat(),
        "end_date": (start + timedelta(days=30)).isoformat(),
    } | overrides


def post_mission(browser: Browser, **overrides: Any) -> str:
    page = browser.submit("/missions/nouvelle", mission_form(**overrides))
    match = re.fullmatch(r"/missions/([0-9a-f-]{36})", page.path)
    assert match, (page.path, page.text[:800])
    return match.group(1)


def place_bid(browser: Browser, mission_id: str, amount: str = "1 100,00") -> Page:
    page = browser.submit(
        f"/missions/{mission_id}",
        {"amount": amount, "estimated_hours": "38,5", "message": "Disponible dès lundi."},
        action=f"/missions/{mission_id}/devis",
    )
    assert "Devis envoyé" in page, page.text[:800]
    return page


def contract_id_from(page: Page) -> str:
    match = re.fullmatch(r"/contrats/([0-9a-f-]{36})", page.path)
    assert match, page.path
    return match.group(1)


class WebDeal:
    """A business and a secretary who reach a contract through the pages."""

    def __init__(self, new_browser: Any) -> None:
        self.business: Browser = new_browser()
        self.secretary: Browser = new_browser()
        self.business_email = sign_up(self.business, "business", "Dr Martin")
        fill_business_profile(self.business)
        self.secretary_email = sign_up(self.secretary, "secretary", "Claire Dubois")
        fill_secretary_profile(self.secretary)
        accept_billing_mandate(self.secretary)
        self.mission_id = post_mission(self.business)
        place_bid(self.secretary, self.mission_id)
        self.contract_id = ""

    def bid_id(self) -> str:
        page = self.business.get(f"/missions/{self.mission_id}")
        match = re.search(r'href="/devis/([0-9a-f-]{36})/accepter"', page.html)
        assert match, page.text[:800]
        return match.group(1)

    def hire(self, *, agreement: bool = True) -> Page:
        """The business accepts her quote; then (`agreement`) she accepts the written
        agreement on the contract page, as she must before she delivers."""
        bid_id = self.bid_id()
        page = self.business.submit(f"/devis/{bid_id}/accepter")
        self.contract_id = contract_id_from(page)
        if agreement:
            self.accept_agreement()
        return page

    def accept_agreement(self) -> Page:
        action = f"{self.contract_path}/contrat-de-prestation/accepter"
        return self.secretary.submit(self.contract_path, action=action)

    @property
    def contract_path(self) -> str:
        return f"/contrats/{self.contract_id}"

    def fund(self) -> Page:
        return self.business.submit(f"{self.contract_path}/payer")

    def deliver(self) -> Page:
        return self.secretary.submit(self.contract_path, action=f"{self.contract_path}/livrer")

    def approve(self) -> Page:
        return self.business.submit(f"{self.contract_path}/valider")


def newest_link(directory: Path, email: str, prefix: str) -> str:
    """The path of the `prefix` link in the newest e-mail to `email` in the file mailer's
    folder."""
    for path in sorted(directory.glob("*.eml"), reverse=True):
        message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        if message["To"] != email:
            continue
        body = message.get_body(preferencelist=("plain",))
        assert body is not None
        match = re.search(r"https?://[^/\s]+(" + re.escape(prefix) + r"\S+)", body.get_content())
        if match:
            return match.group(1)
    raise AssertionError(f"no e-mail to {email} with a {prefix} link in {directory}")
