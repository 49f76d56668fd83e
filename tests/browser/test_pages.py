"""Every main page, in Chromium: axe-core finds no serious or critical violation, nothing
scrolls sideways at 360 px, and a screenshot is saved at phone and desktop width."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.browser import world as w
from tests.browser.audit import audit
from tests.browser.steps import PASSWORD, sign_in


@dataclass(frozen=True)
class Case:
    name: str
    who: str | None  # None: a visitor who is not signed in
    path: Callable[[w.World], str]
    heading: str | None = None  # part of the page's h1


PAGES = [
    Case("landing", None, lambda _: "/", "Trouvez votre secrétaire indépendante"),
    Case("sign-in", None, lambda _: "/connexion", "Connexion"),
    Case("sign-up", None, lambda _: "/inscription", "Créer un compte"),
    Case("missions", None, lambda _: "/missions", "Missions"),
    Case(
        "search",
        None,
        lambda _: "/recherche?q=secr%C3%A9taire+m%C3%A9dicale&postal_code=69006",
        "Rechercher une secrétaire",
    ),
    Case(
        "public-profile",
        "business",
        lambda world: f"/secretaires/{world.claire['id']}",
        "Claire Dubois",
    ),
    Case("business-dashboard", "business", lambda _: "/tableau-de-bord", "Tableau de bord"),
    Case("my-missions", "business", lambda _: "/mes-missions", "Mes missions"),
    Case("business-profile-form", "business", lambda _: "/profil", "Mon entreprise"),
    Case("mission-form", "business", lambda _: "/missions/nouvelle", "Publier une mission"),
    Case(
        "mission-owner",
        "business",
        lambda world: f"/missions/{world.open_mission['id']}",
        "Frappe de comptes rendus",
    ),
    Case(
        "contract-business",
        "business",
        lambda world: f"/contrats/{world.released_contract['id']}",
        "Accueil téléphonique du cabinet",
    ),
    Case(
        "fund-confirmation",
        "business",
        lambda world: f"/contrats/{world.awaiting_contract['id']}/payer",
        "en séquestre",
    ),
    Case(
        "cancel-confirmation",
        "business",
        lambda world: f"/contrats/{world.funded_contract['id']}/annuler",
        "Annuler le contrat",
    ),
    Case("secretary-dashboard", "claire", lambda _: "/tableau-de-bord", "Tableau de bord"),
    Case("secretary-profile-form", "claire", lambda _: "/profil", "Mon profil de secrétaire"),
    Case(
        "mission-secretary",
        "nadia",
        lambda world: f"/missions/{world.open_mission['id']}",
        "Frappe de comptes rendus",
    ),
    Case(
        "contract-secretary",
        "claire",
        lambda world: f"/contrats/{world.funded_contract['id']}",
        "Publipostage des vœux aux patients",
    ),
    Case("payouts", "claire", lambda _: "/versements", "compte de versement"),
    Case(
        # Paid: her tax obligations (art. 242 bis) and the refund form (credit note).
        "contract-secretary-paid",
        "claire",
        lambda world: f"/contrats/{world.released_contract['id']}",
        "Accueil téléphonique du cabinet",
    ),
    Case("tax-information", "claire", lambda _: "/informations-fiscales", "Informations fiscales"),
    Case(
        "tax-statement",
        "claire",
        lambda _: f"/informations-fiscales/{datetime.now(ZoneInfo('Europe/Paris')).year}",
        "Récapitulatif",
    ),
    Case("account", "claire", lambda _: "/compte", "Mon compte"),
    Case("inbox", "business", lambda _: "/messages", "Messages"),
    Case(
        "conversation-secretary",
        "claire",
        lambda world: f"/messages/{world.funded_thread['id']}",
        "Conversation avec Dr Martin",
    ),
    Case(
        "conversation-business",
        "business",
        lambda world: f"/messages/{world.funded_thread['id']}",
        "Conversation avec Claire Dubois",
    ),
    Case("operator-dashboard", "operator", lambda _: "/tableau-de-bord", "Tableau de bord"),
    Case("operator-disputes", "operator", lambda _: "/operateur/litiges", "Litiges à arbitrer"),
    Case("operator-moderation", "operator", lambda _: "/operateur/moderation", "Modération"),
    Case("operator-money", "operator", lambda _: "/operateur/argent", "Argent par mois"),
    Case(
        "operator-reconciliation",
        "operator",
        lambda _: "/operateur/rapprochement",
        "Rapprochement avec Stripe",
    ),
    Case("operator-failed-jobs", "operator", lambda _: "/operateur/taches", "Tâches en échec"),
    Case(
        "conversation-operator",
        "operator",
        lambda world: f"/messages/{world.disputed_thread['id']}",
        "Conversation du litige",
    ),
    Case("not-found", None, lambda _: "/page-qui-n-existe-pas", "Page introuvable"),
]


@pytest.mark.parametrize("case", PAGES, ids=[case.name for case in PAGES])
def test_main_page_is_accessible_and_fits_a_phone(case: Case, page: Page, app: Flask) -> None:
    world = w.build(app)
    if case.who is not None:
        sign_in(page, getattr(world, case.who)["email"], PASSWORD)
        expect(page.get_by_role("button", name="Déconnexion")).to_be_visible()
    page.goto(case.path(world))
    if case.heading:
        expect(page.get_by_role("heading", level=1)).to_contain_text(case.heading)
    audit(page, case.name)
