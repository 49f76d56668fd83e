"""The payment parts of the pages: invoice downloads on the contract page, the payout
account status and its connect button, the sandbox's local onboarding."""

from __future__ import annotations

import re
import uuid

from flask import Flask

from marketplace.extensions import db
from marketplace.payments.models import PayoutAccount
from tests import factories as f
from tests.web.browser import Browser
from tests.web.steps import sign_in


def test_the_contract_page_links_the_invoices_and_the_pdf_downloads(client, api) -> None:
    deal = f.Deal(api).to("released")
    browser = Browser(client)
    assert browser.get("/factures/00000000-0000-0000-0000-000000000000.pdf").path == "/connexion"
    sign_in(browser, deal.business["email"])
    page = browser.get(f"/contrats/{deal.contract_id}")
    links = re.findall(r'href="(/factures/[0-9a-f-]+\.pdf)"', page.html)
    assert len(links) == 1  # the business sees the invoice it received
    response = client.get(links[0])
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert "attachment" in response.headers["Content-Disposition"]

    other = Browser(Flask.test_client(client.application))
    sign_in(other, f.business(api)["email"])
    assert other.get(links[0], expect=404).status == 404


def test_a_secretary_connects_her_payout_account_from_the_page(client, api, app: Flask) -> None:
    secretary = f.secretary(api)
    browser = Browser(client)
    sign_in(browser, secretary["email"])
    page = browser.get("/versements")
    assert "Votre compte de versement est actif" in page.text  # the sandbox pays by default
    with app.app_context():  # an account that is not enabled (yet)
        db.session.add(
            PayoutAccount(
                user_id=uuid.UUID(secretary["id"]),
                provider="sandbox",
                account_id=f"sbx_acct_{uuid.UUID(secretary['id']).hex}",
                payouts_enabled=False,
            )
        )
        db.session.commit()
    page = browser.get("/versements")
    assert "pas encore activé" in page.text
    page = browser.submit(page, action="/versements/connecter")  # → the local onboarding page
    assert "Activer mon compte de versement" in page.text
    page = browser.submit(page, {})
    assert "Compte de versement de démonstration activé" in page.text
    assert "Votre compte de versement est actif" in page.text


def test_sandbox_onboarding_page_enables_payouts(client, api, app: Flask) -> None:
    secretary = f.secretary(api)
    status, body = api.post("/api/v1/me/payouts/onboarding", token=secretary["token"])
    assert status == 200
    path = body["url"].split("://", 1)[1].split("/", 1)[1]
    browser = Browser(client)
    sign_in(browser, secretary["email"])
    page = browser.get(f"/{path}")
    assert "Activer mon compte de versement" in page.text
    page = browser.submit(page, {})
    assert "Compte de versement de démonstration activé" in page.text
    status, payouts = api.get("/api/v1/me/payouts", token=secretary["token"])
    assert payouts == {
        "provider": "sandbox",
        "account_id": f"sbx_acct_{secretary['id'].replace('-', '')}",
        "payouts_enabled": True,
        "details_submitted": True,
        "status": "enabled",
        "message": payouts["message"],
        "account_status": "enabled",
        "billing_mandate_accepted": True,
    }
    # someone else's link is refused
    other = f.secretary(api)
    intruder = Browser(Flask.test_client(client.application))
    sign_in(intruder, other["email"])
    assert intruder.get(f"/{path}", expect=404).status == 404


def test_a_forged_host_never_reaches_the_payout_onboarding_link(api) -> None:
    secretary = f.secretary(api)
    status, body = api.post(
        "/api/v1/me/payouts/onboarding",
        token=secretary["token"],
        headers={"Host": "evil.example"},
    )
    assert status == 200, body
    assert body["url"].startswith("http://localhost/versements/demo/"), body["url"]
    assert "evil.example" not in body["url"]


def test_once_paid_her_contract_page_says_her_tax_and_social_obligations(client, api) -> None:
    """CGI art. 242 bis on the page: the contract she was paid for (not before, not to the
    business), and her payouts page."""
    deal = f.Deal(api).to("delivered")
    secretary = Browser(client)
    sign_in(secretary, deal.secretary["email"])
    path = f"/contrats/{deal.contract_id}"
    assert "Vos obligations fiscales et sociales" not in secretary.get(path)
    assert deal.act("approve", "business")[0] == 200
    page = secretary.get(path)
    assert "Vos obligations fiscales et sociales" in page and "31 janvier" in page
    for url in ("https://www.impots.gouv.fr/professionnel", "https://www.urssaf.fr/"):
        assert f'href="{url}' in page.html
    assert "article 242 bis" in secretary.get("/versements")
    business = Browser(Flask.test_client(client.application))
    sign_in(business, deal.business["email"])
    assert "Vos obligations fiscales et sociales" not in business.get(path)
