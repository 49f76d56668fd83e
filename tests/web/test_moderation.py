"""Operator moderation through the pages: suspend and restore accounts, close missions."""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask import Flask

from marketplace.accounts.services import create_operator
from marketplace.extensions import db
from marketplace.moderation.models import ModerationAction
from tests.web.browser import Browser
from tests.web.steps import (
    PASSWORD,
    fill_business_profile,
    fill_secretary_profile,
    place_bid,
    post_mission,
    sign_in,
    sign_up,
)

MODERATION = "/operateur/moderation"
OPS_PASSWORD = "motdepasse-operateur"


def operator(app: Flask, new_browser, email: str = "moderation@exemple.fr") -> Browser:
    with app.app_context():
        create_operator(email, OPS_PASSWORD)
    browser = new_browser()
    sign_in(browser, email, OPS_PASSWORD)
    return browser


def user_id(app: Flask, email: str) -> str:
    from marketplace.accounts.models import User

    with app.app_context():
        return str(db.session.scalar(sa.select(User.id).where(User.email == email)))


def journal(app: Flask) -> list[tuple[str, str]]:
    with app.app_context():
        rows = db.session.scalars(
            sa.select(ModerationAction).order_by(ModerationAction.created_at)
        ).all()
        return [(r.kind.value, r.reason) for r in rows]


def test_a_suspended_secretary_is_signed_out_hidden_then_restored(app: Flask, new_browser) -> None:
    secretary = new_browser()
    email = sign_up(secretary, "secretary", "Claire Dubois")
    fill_secretary_profile(secretary)
    token = app.test_client().post(
        "/api/v1/auth/token", json={"email": email, "password": PASSWORD}
    )
    assert token.status_code == 200, token.get_json()
    bearer = {"Authorization": f"Bearer {token.get_json()['token']}"}
    assert app.test_client().get("/api/v1/me", headers=bearer).status_code == 200
    sid = user_id(app, email)
    business = new_browser()
    sign_up(business, "business", "Cabinet Martin")
    fill_business_profile(business)
    mission_id = post_mission(business)
    place_bid(secretary, mission_id)
    ops = operator(app, new_browser)

    page = ops.get(f"{MODERATION}?q=claire")
    assert page.heading() == "Modération"
    assert "Claire Dubois" in page and "Actif" in page
    action = f"/operateur/comptes/{sid}/suspendre"

    # A decision without a reason is refused, next to the field; nothing changes.
    page = ops.submit(page, {"reason": "spam", "q": "claire"}, action=action, expect=422)
    assert page.text_of(f"f-reason-account-{sid}-error") == (
        "Motivez la décision en 10 caractères au moins."
    )
    assert journal(app) == []
    stale = page  # a second operator's tab, or a double click, still shows "Suspendre"

    page = ops.submit(
        page,
        {"reason": "Profil copié d'une autre secrétaire, signalé deux fois.", "q": "claire"},
        action=action,
    )
    assert "Compte de Claire Dubois suspendu." in " ".join(page.flashes())
    assert "Suspendu" in page
    assert "Profil copié d'une autre secrétaire" in page  # the journal
    assert journal(app) == [
        ("suspend_account", "Profil copié d'une autre secrétaire, signalé deux fois.")
    ]

    # Signed out everywhere: her session, her API token; gone from the public pages.
    assert secretary.get("/tableau-de-bord").heading() == "Connexion"
    assert app.test_client().get("/api/v1/me", headers=bearer).status_code == 401
    visitor = new_browser()
    visitor.get(f"/secretaires/{sid}", expect=404)
    assert "Claire Dubois" not in visitor.get("/recherche")
    failed = visitor.submit("/connexion", {"email": email, "password": PASSWORD}, expect=None)
    assert "Tableau de bord" not in failed.heading()

    # Her pending quote is withdrawn: the business cannot hire her from it.
    owner_view = business.get(f"/missions/{mission_id}")
    assert "Retiré" in owner_view and "/accepter" not in owner_view.html

    # Suspending twice is refused as such.
    page = ops.submit(stale, {"reason": "Deuxième clic sur le bouton."}, action=action)
    assert "Ce compte est déjà suspendu." in " ".join(page.flashes())

    page = ops.submit(
        page,
        {"reason": "Vérification faite : le profil est bien le sien."},
        action=f"/operateur/comptes/{sid}/retablir",
    )
    assert "Compte de Claire Dubois rétabli." in " ".join(page.flashes())
    assert [kind for kind, _r in journal(app)] == ["suspend_account", "restore_account"]
    visitor.get(f"/secretaires/{sid}")
    assert "Claire Dubois" in visitor.get("/recherche")
    sign_in(secretary, email)
    assert secretary.get("/tableau-de-bord").heading() == "Tableau de bord"


def test_suspending_a_business_closes_its_open_missions(app: Flask, new_browser) -> None:
    business = new_browser()
    email = sign_up(business, "business", "Cabinet Martin")
    fill_business_profile(business)
    mission_id = post_mission(business)
    secretary = new_browser()
    sign_up(secretary, "secretary", "Nadia Benali")
    fill_secretary_profile(secretary)
    place_bid(secretary, mission_id)
    ops = operator(app, new_browser)

    page = ops.submit(
        MODERATION,
        {"reason": "Annonces frauduleuses : demande de paiement hors plateforme."},
        action=f"/operateur/comptes/{user_id(app, email)}/suspendre",
    )
    assert "Compte de Cabinet Martin suspendu. 1 mission ouverte fermée." in " ".join(
        page.flashes()
    )
    assert [kind for kind, _r in journal(app)] == ["suspend_account", "close_mission"]
    # The secretary who bid still sees it, closed, her bid answered; anyone else: 404.
    seen = secretary.get(f"/missions/{mission_id}")
    assert "Fermée" in seen and "Non retenu" in seen
    new_browser().get(f"/missions/{mission_id}", expect=404)

    # The operator still sees the mission, and why it was closed.
    closed = ops.get(f"/missions/{mission_id}")
    assert "Fermée" in closed
    assert "Mission fermée par l'équipe de modération" in closed
    assert "demande de paiement hors plateforme" in closed


def test_an_operator_closes_a_mission_and_its_owner_reads_why(app: Flask, new_browser) -> None:
    business = new_browser()
    sign_up(business, "business", "Garage Lefèvre")
    fill_business_profile(business)
    mission_id = post_mission(business)
    ops = operator(app, new_browser)
    action = f"/operateur/missions/{mission_id}/fermer"

    page = ops.get(MODERATION)
    assert "Frappe de comptes rendus" in page  # the newest open missions, without a search
    stale = page
    page = ops.submit(page, {"reason": ""}, action=action, expect=422)
    assert page.text_of(f"f-reason-mission-{mission_id}-error") == (
        "Motivez la décision en 10 caractères au moins."
    )
    page = ops.submit(
        page, {"reason": "Coordonnées personnelles dans la description."}, action=action
    )
    assert "fermée." in " ".join(page.flashes())
    owner_view = business.get(f"/missions/{mission_id}")
    assert "Mission fermée par l'équipe de modération" in owner_view
    assert "Coordonnées personnelles dans la description." in owner_view
    new_browser().get(f"/missions/{mission_id}", expect=404)

    page = ops.submit(stale, {"reason": "Deuxième fermeture, par erreur."}, action=action)
    assert "Action impossible" in " ".join(page.flashes())
    assert [kind for kind, _r in journal(app)] == ["close_mission"]


def test_only_operators_moderate(app: Flask, new_browser) -> None:
    business = new_browser()
    sign_up(business, "business", "Cabinet Martin")
    secretary = new_browser()
    email = sign_up(secretary, "secretary", "Claire Dubois")
    sid = user_id(app, email)
    business.get(MODERATION, expect=403)
    secretary.get(MODERATION, expect=403)
    csrf_less = business.post_raw(f"/operateur/comptes/{sid}/suspendre", {"reason": "x" * 20})
    assert csrf_less.status_code in (400, 403)
    assert new_browser().get(MODERATION).heading() == "Connexion"
    assert journal(app) == []

    # An operator account is not suspended from this page.
    # Operators are not listed, and one is not suspended from this page even by URL.
    ops = operator(app, new_browser)
    other = operator(app, new_browser, "seconde.operatrice@exemple.fr")
    page = ops.get(MODERATION)
    assert "seconde.operatrice@exemple.fr" not in page
    csrf = page.form(f"/operateur/comptes/{sid}/suspendre").fields["csrf_token"][0]

    def post(action: str) -> int:
        response = ops.post_raw(action, {"csrf_token": csrf, "reason": "Essai pour voir, dix."})
        return response.status_code

    other_id = user_id(app, "seconde.operatrice@exemple.fr")
    assert post(f"/operateur/comptes/{other_id}/suspendre") == 302
    assert "Un compte opérateur ne peut pas être suspendu ici." in " ".join(
        ops.get(MODERATION).flashes()
    )
    assert other.get("/tableau-de-bord").heading() == "Tableau de bord"
    assert post("/operateur/comptes/00000000-0000-0000-0000-000000000000/suspendre") == 404
    assert post("/operateur/missions/00000000-0000-0000-0000-000000000000/fermer") == 404
    ops.get(f"/operateur/comptes/{sid}/suspendre", expect=405)
    assert journal(app) == []


def test_every_moderation_list_is_paged_and_counted(app: Flask, new_browser) -> None:
    from marketplace.accounts.models import Role, User
    from marketplace.moderation.models import ModerationKind
    from marketplace.moderation.services import journal_select
    from marketplace.web.moderation_pages import PER_PAGE
    from tests.factories import MissionFactory, UserFactory

    ops = operator(app, new_browser)
    accounts, missions, decisions = 2 * PER_PAGE + 3, PER_PAGE + 4, PER_PAGE + 1
    with app.app_context():
        people = [
            UserFactory(role=Role.SECRETARY, display_name=f"Pagination {n:02d}")
            for n in range(accounts)
        ]
        owner = MissionFactory(title="Pagination 00").business  # not named so: not found
        for n in range(1, missions):
            MissionFactory(business=owner, title=f"Pagination {n:02d}")
        operator_id = db.session.scalar(sa.select(User.id).where(User.role == Role.OPERATOR))
        for n in range(decisions):
            db.session.add(
                ModerationAction(
                    operator_id=operator_id,
                    kind=ModerationKind.SUSPEND_ACCOUNT,
                    user_id=people[n].id,
                    reason=f"Décision de test numéro {n:02d}",
                )
            )
        db.session.commit()
        assert (
            db.session.scalar(sa.select(sa.func.count()).select_from(journal_select().subquery()))
            == decisions
        )

    first = ops.get(f"{MODERATION}?q=pagination")
    assert first.html.count('id="compte-') == PER_PAGE
    assert first.html.count('id="mission-') == PER_PAGE
    assert first.text_of("accounts-count") == f"{accounts} comptes"
    assert first.text_of("missions-count") == f"{missions} missions"
    assert first.text_of("journal-count") == f"{decisions} décisions"
    assert "page_comptes=2" in first.html and "page_missions=2" in first.html
    assert "page_journal=2" in first.html

    # Page 2 and 3 of the accounts, the search kept, the other lists where they were.
    second = ops.get(f"{MODERATION}?q=pagination&page_comptes=2&page_missions=2")
    assert second.html.count('id="compte-') == PER_PAGE
    assert second.html.count('id="mission-') == missions - PER_PAGE
    assert "Page 2 sur 3" in second.text and "Page 2 sur 2" in second.text
    third = ops.get(f"{MODERATION}?q=pagination&page_comptes=3")
    assert third.html.count('id="compte-') == accounts - 2 * PER_PAGE
    seen = set()
    for page in (first, second, third):
        seen |= {m for m in re.findall(r'id="compte-([0-9a-f-]+)"', page.html)}
    assert len(seen) == accounts  # every account once, none twice

    journal_two = ops.get(f"{MODERATION}?page_journal=2")
    assert journal_two.text_of("journal").count("Décision de test numéro") == 1
    assert "Décision de test numéro 00" in journal_two.text_of("journal")  # the oldest last

    # A decision from page 2 comes back to page 2 (its form carries the search and the pages).
    target = re.findall(r'id="compte-([0-9a-f-]+)"', second.html)[0]
    form = second.form(f"/operateur/comptes/{target}/suspendre")
    assert form.fields["q"] == ["pagination"] and form.fields["page_comptes"] == ["2"]
    after = ops.submit(
        second,
        {
            "reason": "Compte de test suspendu depuis la page deux.",
            "q": "pagination",
            "page_comptes": "2",
            "page_missions": "2",
        },
        action=f"/operateur/comptes/{target}/suspendre",
    )
    assert "Suspendu" in after.text_of(f"compte-{target}")
    assert after.html.count('id="mission-') == missions - PER_PAGE

    # Nonsense page numbers fall back to the first page.
    assert ops.get(f"{MODERATION}?page_comptes=abc").html.count('id="compte-') == PER_PAGE
