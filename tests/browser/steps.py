"""What people do on the site, as they would do it: find the link or button, type, click.

Fields are found by their label and buttons by their name, so a step that passes also
proves the page says what it does.
"""

from __future__ import annotations

import itertools
import re
from datetime import date, timedelta

from flask import Flask
from playwright.sync_api import Page, expect

from marketplace.jobs import runner
from tests.web.steps import newest_link

PASSWORD = "motdepasse-solide"
UUID = r"[0-9a-f-]{36}"
_counter = itertools.count(1)


def unique_email(role: str) -> str:
    return f"navigateur-{role}{next(_counter)}@exemple.fr"


def flash(page: Page, text: str) -> None:
    """The message shown after an action."""
    expect(page.locator(".flashes .flash").filter(has_text=text)).to_be_visible()


def sign_up(page: Page, role: str, name: str, email: str | None = None, *, app: Flask) -> str:
    """From the landing page: "Inscription", choose the role, fill the form; then open the
    link of the verification e-mail (written by `app`'s file mailer)."""
    email = email or unique_email(role)
    page.goto("/")
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "button", name="Inscription"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Créer un compte")
    page.get_by_label(
        "Une entreprise" if role == "business" else "Une secrétaire indépendante"
    ).check()
    page.get_by_label("Votre nom (affiché sur le site)").fill(name)
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page).to_have_url(re.compile(r"/profil$"))
    flash(page, f"Bienvenue {name} !")
    with app.app_context():
        runner.run_pending()
    page.goto(newest_link(app.extensions["mailer"].directory, email, "/compte/verifier/"))
    flash(page, "votre adresse e-mail est confirmée")
    page.goto("/profil")  # where the sign-up had left her
    return email


def nav(page: Page, name: str) -> None:
    """A link of the main navigation."""
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name=name
    ).click()


def sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    page.goto("/connexion")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Déconnexion").click()
    flash(page, "Vous êtes déconnecté·e.")


def fill_secretary_profile(page: Page, postal_code: str = "69003") -> None:
    """On /profil, right after sign-up: her whole profile."""
    page.get_by_label("Titre de votre profil").fill(
        "Secrétaire médicale à distance, 12 ans d'expérience"
    )
    page.get_by_label("Présentation", exact=True).fill(
        "Ancienne assistante de cabinet de cardiologie : agenda, comptes rendus, "
        "accueil téléphonique des patients."
    )
    page.get_by_label("Médical").check()
    page.get_by_label("Frappe de comptes rendus médicaux").check()
    page.get_by_label("Accueil téléphonique").check()
    page.get_by_label("Prise de rendez-vous").check()
    page.get_by_label("Anglais").check()
    page.get_by_label("Tarif horaire HT").fill("28,50")
    page.get_by_label("Majoration pour l'urgent (%)").fill("20")
    page.get_by_label("Code postal").fill(postal_code)
    page.get_by_label("Rayon d'intervention sur place (km)").fill("20")
    expect(page.get_by_label("Je travaille à distance")).to_be_checked()
    for day in ("Lundi", "Mardi", "Jeudi"):
        page.get_by_label(day).check()
    page.get_by_label("Heures disponibles par semaine").fill("20")
    page.get_by_label("Disponible à partir du").fill(date.today().isoformat())
    page.get_by_label("SIRET").fill("732 829 320 00074")
    page.get_by_role("button", name="Enregistrer mon profil").click()
    flash(page, "Profil enregistré.")


def accept_billing_mandate(page: Page) -> None:
    """From "Versements": she reads the billing mandate and accepts it (else she is not paid)."""
    nav(page, "Versements")
    page.get_by_role("link", name="Lire et accepter le mandat de facturation").click()
    expect(page.get_by_role("main")).to_contain_text("article 289 I-2")
    page.get_by_role("button", name="J'accepte le mandat de facturation").click()
    flash(page, "Mandat de facturation accepté")


def fill_business_profile(page: Page) -> None:
    page.get_by_label("Nom de l'entreprise ou du cabinet").fill("Cabinet du Dr Martin")
    page.get_by_label("Secteur d'activité").fill("Cardiologie")
    page.get_by_label("Code postal").fill("69006")
    page.get_by_role("button", name="Enregistrer").click()
    flash(page, "Profil enregistré.")


MISSION_TITLE = "Frappe de comptes rendus de consultation"


def post_mission(page: Page, title: str = MISSION_TITLE) -> str:
    """From the navigation: "Publier une mission", fill it, publish. Returns its path."""
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Publier une mission"
    ).click()
    start = date.today() + timedelta(days=7)
    page.get_by_label("Titre").fill(title)
    page.get_by_label("Description").fill(
        "Cabinet de cardiologie : 40 comptes rendus par semaine à taper à partir de "
        "dictées, pendant un mois."
    )
    page.get_by_label("Spécialité").select_option(label="Médical")
    page.get_by_label("Frappe de comptes rendus médicaux").check()
    page.get_by_label("Forfait (prix global)").check()
    page.get_by_label("Budget").fill("1 200")
    page.get_by_label("Heures estimées").fill("40")
    expect(page.get_by_label("Code postal")).to_have_value("69006")  # from the company
    page.get_by_label("Date de début").fill(start.isoformat())
    page.get_by_label("Date de fin").fill((start + timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Publier la mission").click()
    expect(page).to_have_url(re.compile(rf"/missions/{UUID}$"))
    flash(page, "Mission publiée.")
    return path_of(page, "missions")


def path_of(page: Page, kind: str) -> str:
    """The path of the mission or contract the page shows ("/missions/<id>")."""
    match = re.search(rf"/{kind}/{UUID}", page.url)
    assert match, page.url
    return match.group(0)


def send_quote(page: Page, mission_title: str = MISSION_TITLE, amount: str = "1 100,00") -> None:
    """The secretary opens the invitation from her dashboard and sends her quote."""
    nav(page, "Tableau de bord")
    invitations = page.get_by_role("region", name="Invitations reçues")
    invitations.get_by_role("link", name=mission_title).click()
    page.get_by_label("Montant total de votre devis").fill(amount)
    page.get_by_label("Heures estimées").fill("38,5")
    page.get_by_label("Message au client").fill(
        "Douze ans en cabinet de cardiologie, disponible dès lundi."
    )
    page.get_by_role("button", name="Envoyer mon devis").click()
    flash(page, "Devis envoyé.")
