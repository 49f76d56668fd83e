"""A recurring weekly contract over two periods in Chromium: the business pays the first
week, she logs normal and evening hours (her evening surcharge applied), sends the
timesheet, the business approves it and gets the unused part back; the second week is
charged by the job on the saved method and approves itself; the business ends the
contract with its notice."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from playwright.sync_api import Page, expect

from marketplace.contracts import periods
from tests.browser.audit import audit
from tests.browser.steps import flash, sign_in
from tests.conftest import ApiClient
from tests.regular.steps import Engagement, submitted_days_ago, travel


def _log(page: Page, hours: str, minutes: str, kind: str, task: str) -> None:
    sheet = page.locator("#feuille-de-temps")
    sheet.get_by_label("Heures", exact=True).fill(hours)
    sheet.get_by_label("Minutes").fill(minutes)
    sheet.get_by_label("Type d'heures").select_option(kind)
    sheet.get_by_label("Tâche").fill(task)
    sheet.get_by_role("button", name="Ajouter").click()


def test_two_weeks_of_regular_work_then_notice(new_page: Callable[[], Page], app: Flask) -> None:
    e = Engagement(ApiClient(app.test_client()))
    path = f"/contrats/{e.id}"
    business, secretary = new_page(), new_page()
    sign_in(business, e.business["email"])
    sign_in(secretary, e.secretary["email"])

    # The business pays the first week into escrow.
    business.goto(path)
    expect(business.locator(".page-head .price")).to_contain_text("30,00 €")
    business.get_by_role("button", name="Payer 300,00 €").click()
    flash(business, "Période payée : les fonds sont en séquestre.")

    # She fills in her day from the timesheet: normal hours, then evening hours.
    secretary.goto(path)
    sheet = secretary.locator("#feuille-de-temps")
    expect(sheet).to_contain_text("0 min sur 10 h")
    _log(secretary, "2", "0", "normal", "Appels et prise de rendez-vous")
    flash(secretary, "120 min enregistrées.")
    _log(secretary, "1", "0", "evening", "Rappels des patients")
    flash(secretary, "60 min enregistrées.")
    sheet = secretary.locator("#feuille-de-temps")
    expect(sheet).to_contain_text("3 h sur 10 h")
    expect(sheet).to_contain_text("97,50 € sur 300,00 € payés en séquestre")
    expect(sheet).to_contain_text("Rappels des patients · 37,50 €")  # 30 € + 25 % for 1 h
    audit(secretary, "timesheet")  # a phone's width included: no sideways scroll, axe clean
    sheet.get_by_role("button", name="Envoyer le relevé au client").click()
    flash(secretary, "Relevé d'heures envoyé au client pour validation.")

    # The business reads the totals by kind of hours and approves: the rest comes back.
    business.goto(path)
    review = business.locator("#periode-1")
    expect(review).to_contain_text("Normales : 2 h — 60,00 €")
    expect(review).to_contain_text("Soir : 1 h — 37,50 €")
    audit(business, "timesheet-approval")
    review.get_by_role("button", name="Valider le relevé").click()
    flash(business, "202,50 € remboursés")
    expect(business.locator("#periode-1")).to_contain_text("Validée, versée")

    # A week later the job opens the second week and charges the method saved with the first.
    first = e.periods()[0]
    travel(app, first["id"], 7)
    with app.app_context():
        report = periods.run_due()
    assert (report.opened, report.charged) == (1, 1)
    secretary.goto(path)
    _log(secretary, "1", "30", "normal", "Mise à jour de l'agenda")
    flash(secretary, "90 min enregistrées.")
    secretary.locator("#feuille-de-temps").get_by_role(
        "button", name="Envoyer le relevé au client"
    ).click()
    flash(secretary, "Relevé d'heures envoyé au client pour validation.")

    # Nobody answers it: it approves itself after its days.
    second = e.periods()[1]
    submitted_days_ago(app, second["id"], 6)
    with app.app_context():
        assert periods.run_due().approved == 1
    business.goto(path)
    row = business.locator("#periode-2")
    expect(row).to_contain_text("Validée, versée")
    expect(row).to_contain_text("automatiquement")

    # The business ends the contract: it stops after the notice.
    business.locator("#fin summary").click()
    business.locator("#fin").get_by_label("Raison").fill("Le cabinet ferme en janvier.")
    business.get_by_role("button", name="Mettre fin au contrat").click()
    flash(business, "Fin du contrat enregistrée")
    expect(business.locator("#fin")).to_contain_text("Fin du contrat prévue le")
    ledger = e.ledger()
    assert ledger["balanced"] is True
    assert ledger["balances"]["business"] == -(9_750 + 4_500)  # only the hours worked
