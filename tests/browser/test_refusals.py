"""What people get wrong, in Chromium: a wrong password, a form with invalid values, a
contract that is not theirs."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask import Flask
from playwright.sync_api import Page, expect

from tests.browser import world as w
from tests.browser.audit import audit
from tests.browser.steps import PASSWORD, fill_business_profile, flash, sign_in, sign_up


def test_a_wrong_password_keeps_the_visitor_out_and_says_so(page: Page, app: Flask) -> None:
    world = w.build(app)
    sign_in(page, world.business["email"], "pas-le-bon-mot-de-passe")

    expect(page).to_have_url(re.compile(r"/connexion$"))
    expect(page.get_by_role("alert")).to_have_text("Adresse e-mail ou mot de passe incorrect.")
    expect(page.get_by_label("Adresse e-mail")).to_have_value(world.business["email"])
    expect(page.get_by_label("Mot de passe")).to_have_value("")  # never sent back
    expect(page.get_by_role("button", name="Déconnexion")).to_have_count(0)
    audit(page, "sign-in-refused")

    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    flash(page, "Bonjour Dr Martin, vous êtes connecté·e.")
    expect(page).to_have_url(re.compile(r"/tableau-de-bord$"))


def _error_next_to(page: Page, name: str, message: str | re.Pattern[str]) -> None:
    """The message sits under the field, and the field points to it for screen readers."""
    error = page.locator(f"#f-{name}-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text(message)
    field = page.locator(f"#f-{name}")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_attribute("aria-describedby", re.compile(f"f-{name}-error"))
    # Next to it: the error is the field's next visible sibling block, below it. Both boxes
    # are read in one script, once the fonts are in, so that neither a late layout change
    # nor a scroll (the summary takes the focus) can come between the two measures.
    page.evaluate("document.fonts.ready.then(() => true)")
    boxes = field.evaluate(
        """(f, id) => {
            const a = f.getBoundingClientRect();
            const b = document.getElementById(id).getBoundingClientRect();
            return {field_bottom: a.bottom, error_top: b.top};
        }""",
        f"f-{name}-error",
    )
    assert 0 <= boxes["error_top"] - boxes["field_bottom"] < 60, (name, boxes)


def test_a_mission_with_invalid_values_shows_each_error_next_to_its_field(
    new_page: Callable[[], Page], app: Flask
) -> None:
    page = new_page()
    sign_up(page, "business", "Maître Bernard", app=app)
    fill_business_profile(page)
    page.goto("/missions/nouvelle")
    page.get_by_label("Description").fill("Trop court")
    page.get_by_label("Budget").fill("douze euros")
    page.get_by_label("Code postal").fill("00000")
    page.get_by_label("Date de début").fill("2030-05-10")
    page.get_by_label("Date de fin").fill("2030-05-01")
    page.get_by_role("button", name="Publier la mission").click()

    expect(page).to_have_url(re.compile(r"/missions/nouvelle$"))
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Certains champs sont à corriger")
    _error_next_to(page, "title", re.compile("."))
    _error_next_to(page, "description", re.compile("20"))
    _error_next_to(page, "specialty", re.compile("."))
    _error_next_to(page, "budget", "Montant illisible")
    audit(page, "mission-form-errors")

    # The summary's links lead to the fields; what was typed is still there.
    summary.get_by_role("link", name=re.compile("Montant illisible")).click()
    expect(page.get_by_label("Budget")).to_be_focused()
    expect(page.get_by_label("Description")).to_have_value("Trop court")

    page.get_by_label("Titre").fill("Accueil téléphonique du cabinet d'avocats")
    page.get_by_label("Description").fill(
        "Prendre les appels des clients du cabinet trois matinées par semaine."
    )
    page.get_by_label("Spécialité").select_option(label="Juridique")
    page.get_by_label("Budget").fill("900")
    page.get_by_role("button", name="Publier la mission").click()
    # The services check the rest, one rule after the other: dates, then the place.
    _error_next_to(page, "end_date", "La date de fin doit suivre la date de début.")
    page.get_by_label("Date de fin").fill("2030-06-10")
    page.get_by_role("button", name="Publier la mission").click()
    _error_next_to(page, "postal_code", "Code postal inconnu")
    page.get_by_label("Code postal").fill("69006")
    page.get_by_role("button", name="Publier la mission").click()
    flash(page, "Mission publiée.")


def test_someone_elses_contract_is_not_found(new_page: Callable[[], Page], app: Flask) -> None:
    world = w.build(app)
    contract = f"/contrats/{world.funded_contract['id']}"

    # Another secretary (who quoted on a mission of the same business) and another business.
    sophie = new_page()
    sign_in(sophie, world.sophie["email"])
    response = sophie.goto(contract)
    assert response is not None and response.status == 404
    expect(sophie.get_by_role("heading", level=1)).to_have_text("Page introuvable")
    expect(sophie.get_by_role("main")).not_to_contain_text("Publipostage")
    expect(sophie.get_by_role("button", name="Mon tableau de bord")).to_be_visible()

    stranger = new_page()
    sign_up(stranger, "business", "Garage Dupont", app=app)
    response = stranger.goto(f"{contract}/payer")
    assert response is not None and response.status == 404
    expect(stranger.get_by_role("heading", level=1)).to_have_text("Page introuvable")

    # Not signed in: the sign-in page, then still not found once signed in as a stranger.
    visitor = new_page()
    visitor.goto(contract)
    expect(visitor).to_have_url(re.compile(r"/connexion"))
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Connexion")
