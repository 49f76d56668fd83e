"""Recovering an account in Chromium, with the e-mails read back from the real Mailpit.

The site of these tests sends its e-mail by SMTP to Mailpit (the other browser tests' site
writes `.eml` files): sign-up, the verification link, "forgot password", the reset link,
and a change of address. Each run signs up with an address of its own, so parallel runs
sharing the Mailpit never read each other's messages. The links are built from PUBLIC_URL
(http://localhost, as for every test app); the browser opens their path on the live server.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from marketplace.extensions import db
from marketplace.jobs import runner
from tests.browser.conftest import LiveServer, Visitors, browse
from tests.browser.steps import PASSWORD, flash, sign_in, sign_out
from tests.conftest import make_app
from tests.mail import mailpit

NEW_PASSWORD = "un-secret-tout-neuf-du-cabinet"


@pytest.fixture(scope="module")
def mail_server(
    app: Flask, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """The test site sending through SMTP to Mailpit (`app` first: the migrated database).
    Not `mail_app`: its https PUBLIC_URL would make the cookies Secure on this http site."""
    mailpit.check_up()
    site = make_app(database_url, tmp_path_factory, SMTP_URL=mailpit.SMTP_URL)
    server = LiveServer(site)
    yield server
    server.stop()
    with site.app_context():  # its own pool: closed before the test database is dropped
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def mail_visitors(chromium: Browser, mail_server: LiveServer) -> Iterator[Visitors]:
    yield from browse(chromium, mail_server)


def unique_address(name: str) -> str:
    return f"{name}.{uuid.uuid4().hex[:12]}@exemple.fr"


def mailed_link(server: LiveServer, to: str, count: int, prefix: str) -> tuple[str, str]:
    """Send what the site queued (its jobs wait for the test), then the path of the `prefix`
    link in the newest of the `count` e-mails Mailpit holds for `to`, and its subject."""
    with server.app.app_context():
        runner.run_pending()
    path, message = mailpit.newest_link(to, count, prefix)
    return path, message["Subject"]


def sign_up_and_verify(page: Page, server: LiveServer, email: str) -> None:
    page.goto("/")
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "button", name="Inscription"
    ).click()
    page.get_by_label("Une secrétaire indépendante").check()
    page.get_by_label("Votre nom (affiché sur le site)").fill("Claire Dubois")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Créer mon compte").click()
    flash(page, "Un e-mail vous attend pour confirmer votre adresse.")
    expect(page.locator(".verify-banner")).to_contain_text("Confirmez votre adresse e-mail")

    link, subject = mailed_link(server, email, 1, "/compte/verifier/")
    assert subject == "Confirmez votre adresse e-mail"
    page.goto(link)
    flash(page, "votre adresse e-mail est confirmée")
    expect(page).to_have_url(re.compile(r"/tableau-de-bord$"))
    expect(page.locator(".verify-banner")).to_have_count(0)


def test_she_verifies_her_address_forgets_her_password_and_resets_it_from_the_mails(
    mail_visitors: Visitors, mail_server: LiveServer
) -> None:
    email = unique_address("claire")
    claire = mail_visitors.new()
    sign_up_and_verify(claire, mail_server, email)
    sign_out(claire)

    # "Mot de passe oublié ?" on the sign-in page; the answer does not say if she exists.
    claire.goto("/connexion")
    claire.get_by_role("link", name="Mot de passe oublié ?").click()
    expect(claire.get_by_role("heading", level=1)).to_have_text("Mot de passe oublié")
    claire.get_by_label("Adresse e-mail").fill(email)
    claire.get_by_role("button", name="Envoyer le lien").click()
    flash(claire, "Si un compte existe à cette adresse, un e-mail vient de partir")

    reset, subject = mailed_link(mail_server, email, 2, "/mot-de-passe/nouveau/")
    assert subject == "Choisir un nouveau mot de passe"
    claire.goto(reset)
    expect(claire.get_by_role("heading", level=1)).to_have_text("Nouveau mot de passe")
    claire.get_by_label("Nouveau mot de passe").fill(NEW_PASSWORD)
    claire.get_by_role("button", name="Enregistrer le mot de passe").click()
    flash(claire, "Mot de passe changé : connectez-vous avec le nouveau.")
    expect(claire).to_have_url(re.compile(r"/connexion$"))

    # The old password no longer signs in; the new one does.
    sign_in(claire, email, PASSWORD)
    expect(claire.get_by_role("main")).to_contain_text("Adresse e-mail ou mot de passe incorrect.")
    expect(claire.get_by_role("button", name="Déconnexion")).to_have_count(0)
    sign_in(claire, email, NEW_PASSWORD)
    flash(claire, "Bonjour Claire Dubois, vous êtes connecté·e.")
    expect(claire.get_by_role("button", name="Déconnexion")).to_be_visible()

    # The used reset link is dead, whoever opens it.
    stranger = mail_visitors.new()
    response = stranger.goto(reset)
    assert response is not None and response.status == 400
    expect(stranger.get_by_role("main")).to_contain_text("n'est pas valide ou a déjà servi")
    expect(stranger.get_by_label("Nouveau mot de passe")).to_have_count(0)


def test_she_changes_her_address_and_signs_in_with_the_new_one(
    mail_visitors: Visitors, mail_server: LiveServer
) -> None:
    old, new = unique_address("claire"), unique_address("claire.cabinet")
    claire = mail_visitors.new()
    sign_up_and_verify(claire, mail_server, old)
    laptop = mail_visitors.new()  # she is signed in on another computer too
    sign_in(laptop, old)
    flash(laptop, "Bonjour Claire Dubois")

    claire.goto("/profil")
    claire.get_by_role("link", name="Changer d'adresse e-mail").click()
    expect(claire.get_by_role("heading", level=1)).to_have_text("Mon compte")
    claire.get_by_label("Nouvelle adresse e-mail").fill(new)
    claire.get_by_label("Mot de passe actuel").fill(PASSWORD)
    claire.get_by_role("button", name="Changer d'adresse e-mail").click()
    flash(claire, f"Un lien de confirmation vient de partir à {new}")
    expect(claire.get_by_role("main")).to_contain_text(f"Changement demandé vers {new}")

    link, subject = mailed_link(mail_server, new, 1, "/compte/adresse-email/confirmer/")
    assert subject == "Confirmez votre nouvelle adresse e-mail"
    _reset_page, notice = mailed_link(mail_server, old, 2, "/mot-de-passe-oublie")
    assert notice == "Changement d'adresse e-mail demandé"

    claire.goto(link)
    expect(claire.get_by_role("heading", level=1)).to_have_text("Confirmer la nouvelle adresse")
    claire.get_by_role("button", name="Confirmer ma nouvelle adresse").click()
    flash(claire, f"votre adresse e-mail est maintenant {new}")
    expect(claire.get_by_role("main")).to_contain_text(f"Vous vous connectez avec {new}")

    laptop.goto("/tableau-de-bord")  # that session ended with the change
    expect(laptop.get_by_role("heading", level=1)).to_have_text("Connexion")
    sign_in(laptop, old)
    expect(laptop.get_by_role("main")).to_contain_text("Adresse e-mail ou mot de passe incorrect.")
    sign_in(laptop, new)
    flash(laptop, "Bonjour Claire Dubois")
