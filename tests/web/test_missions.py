from __future__ import annotations

import re

from tests.web.browser import Browser
from tests.web.steps import (
    fill_business_profile,
    fill_secretary_profile,
    mission_form,
    place_bid,
    post_mission,
    sign_up,
)


def test_business_posts_a_mission_and_sees_it_on_its_dashboard(browser: Browser) -> None:
    sign_up(browser, "business")
    fill_business_profile(browser)
    form = browser.get("/missions/nouvelle")
    assert form.value("postal_code") == "69006"  # from the company profile
    page = browser.submit("/missions/nouvelle", mission_form(budget="1 234,50"))
    assert "Mission publiée" in " ".join(page.flashes())
    assert page.heading() == "Frappe de comptes rendus de consultation"
    assert "1 234,50 € · Forfait · 40 h estimées" in page
    assert "Lyon (69) · à distance possible" in page
    assert "Ouverte" in page
    assert "Pas encore de devis" in page
    dashboard = browser.get("/tableau-de-bord")
    assert "Frappe de comptes rendus de consultation" in dashboard
    assert "Devis reçus" in dashboard


def test_mission_form_errors_are_shown_next_to_the_fields(browser: Browser) -> None:
    sign_up(browser, "business")
    page = browser.submit(
        "/missions/nouvelle",
        mission_form(
            title="Aide", budget="12,345", pricing="hourly", estimated_hours="", postal_code="12"
        ),
        expect=422,
    )
    assert page.field_error("title") == "Entre 5 et 140 caractères."
    assert page.field_error("budget") == "Deux décimales au plus (par exemple 28,50)."
    assert page.field_error("postal_code") == "Un code postal français compte 5 chiffres."
    assert page.value("title") == "Aide"
    assert 'value="hourly" checked' in page.html
    page = browser.submit(
        "/missions/nouvelle", mission_form(pricing="hourly", estimated_hours=""), expect=422
    )
    assert page.field_error("estimated_hours") == (
        "Indiquez le nombre d'heures estimé pour une mission à l'heure."
    )


def test_a_secretary_cannot_open_the_mission_form(browser: Browser) -> None:
    sign_up(browser, "secretary")
    page = browser.get("/missions/nouvelle", expect=403)
    assert page.heading() == "Accès refusé"
    assert "Votre rôle ne permet pas cette action." in page


def test_secretary_finds_the_mission_bids_and_withdraws(new_browser) -> None:
    business, secretary = new_browser(), new_browser()
    sign_up(business, "business")
    mission_id = post_mission(business)
    sign_up(secretary, "secretary", "Claire Dubois")

    listing = secretary.get("/missions")  # ranked for her (no profile yet: newest first)
    assert "1 mission ouverte" in listing
    assert "Frappe de comptes rendus de consultation" in listing

    page = secretary.get(f"/missions/{mission_id}")
    assert "Complétez votre profil pour pouvoir proposer un devis." in page
    fill_secretary_profile(secretary)

    page = secretary.submit(
        f"/missions/{mission_id}",
        {"amount": "", "message": "Bonjour"},
        action=f"/missions/{mission_id}/devis",
        expect=422,
    )
    assert page.field_error("amount") == "Indiquez le montant de votre devis."
    assert page.text_of("f-message") == "Bonjour"

    page = place_bid(secretary, mission_id, amount="1 100,00")
    assert "Votre devis" in page and "1 100,00 €" in page
    assert "En attente de réponse" in page
    assert "Proposer un devis" not in page  # one live bid per mission

    owner_view = business.get(f"/missions/{mission_id}")
    assert "Claire Dubois" in owner_view and "1 100,00 €" in owner_view
    assert "38,5 h estimées" in owner_view and "Disponible dès lundi." in owner_view

    bid_id = re.search(r'action="/devis/([0-9a-f-]{36})/retirer"', page.html).group(1)
    page = secretary.submit(page, action=f"/devis/{bid_id}/retirer")
    assert "Devis retiré." in page.flashes()
    assert "Retiré" in page
    assert "Proposer un devis" in page  # she may bid again

    dashboard = secretary.get("/tableau-de-bord")
    assert "Mes devis" in dashboard and "Retiré" in dashboard


def test_owner_edits_then_closes_the_mission(browser: Browser) -> None:
    sign_up(browser, "business")
    mission_id = post_mission(browser)
    edit = browser.get(f"/missions/{mission_id}/modifier")
    assert edit.value("budget") == "1200,00"
    page = browser.submit(
        edit, mission_form(title="Frappe urgente de comptes rendus", budget="1500", urgent="y")
    )
    assert page.path == f"/missions/{mission_id}"
    assert page.heading() == "Frappe urgente de comptes rendus"
    assert "1 500,00 €" in page and "Urgent" in page

    page = browser.submit(page, action=f"/missions/{mission_id}/fermer")
    assert "Mission retirée" in " ".join(page.flashes())
    assert "Fermée" in page
    assert "Modifier" not in page
    page = browser.get(f"/missions/{mission_id}/modifier")
    assert page.path == f"/missions/{mission_id}"
    assert "Une mission attribuée ou fermée ne peut plus être modifiée." in page.flashes()


def test_another_business_cannot_edit_the_mission(new_browser) -> None:
    owner, other = new_browser(), new_browser()
    sign_up(owner, "business")
    mission_id = post_mission(owner)
    sign_up(other, "business")
    page = other.get(f"/missions/{mission_id}/modifier", expect=404)
    assert "Mission introuvable." in page
    page = other.get(f"/missions/{mission_id}")
    assert "Modifier" not in page and "Devis reçus" not in page


def test_confidential_mission_shows_details_only_after_the_agreement(new_browser) -> None:
    business, secretary = new_browser(), new_browser()
    sign_up(business, "business")
    mission_id = post_mission(
        business,
        confidential="y",
        description="Dossiers patients du cabinet : frappe des comptes rendus opératoires.",
    )
    sign_up(secretary, "secretary")
    fill_secretary_profile(secretary)
    page = secretary.get(f"/missions/{mission_id}")
    assert "Mission confidentielle" in page
    assert "Dossiers patients" not in page
    assert "Proposer un devis" not in page
    assert "Médical" in page and "Lyon (69)" in page
    assert "1 200,00 €" not in page  # title, specialty and place only
    listing = secretary.get("/missions")
    assert "Mission confidentielle : le détail s'affiche après acceptation" in listing
    assert "1 200,00 €" not in listing

    page = secretary.submit(page, action=f"/missions/{mission_id}/confidentialite")
    assert "Accord de confidentialité accepté" in " ".join(page.flashes())
    assert "Dossiers patients du cabinet" in page
    assert "1 200,00 € · Forfait" in page
    assert "Proposer un devis" in page

    assert "Dossiers patients" not in new_browser().get(f"/missions/{mission_id}")


def test_business_invites_a_secretary_from_her_public_profile(new_browser) -> None:
    business, secretary = new_browser(), new_browser()
    sign_up(secretary, "secretary", "Claire Dubois")
    fill_secretary_profile(secretary)
    secretary_id = secretary.get("/tableau-de-bord").html.split('href="/secretaires/')[1][:36]
    sign_up(business, "business", "Dr Martin")

    profile = business.get(f"/secretaires/{secretary_id}")
    assert "Proposer une mission à Claire Dubois" in profile
    assert 'name="mission_id"' not in profile.html  # no open mission to invite her to yet
    mission_id = post_mission(business)
    profile = business.get(f"/secretaires/{secretary_id}")
    assert "Inviter sur une mission" in profile
    page = business.submit(
        profile,
        {"mission_id": mission_id, "message": "Votre profil colle."},
        action=f"/secretaires/{secretary_id}/inviter",
    )
    assert "Invitation envoyée pour « Frappe de comptes rendus de consultation »." in page.flashes()
    page = business.submit(
        profile, {"mission_id": mission_id}, action=f"/secretaires/{secretary_id}/inviter"
    )
    assert "Cette secrétaire est déjà invitée sur cette mission." in page.flashes()

    assert "Claire Dubois" in business.get(f"/missions/{mission_id}")
    dashboard = secretary.get("/tableau-de-bord")
    assert "Invitations reçues" in dashboard
    assert "Votre profil colle." in dashboard
    assert "De Dr Martin" in dashboard


def test_a_business_proposes_a_new_mission_from_her_profile_in_one_step(new_browser) -> None:
    business, secretary = new_browser(), new_browser()
    sign_up(secretary, "secretary", "Claire Dubois")
    fill_secretary_profile(secretary, specialties=["legal"])
    secretary_id = secretary.get("/tableau-de-bord").html.split('href="/secretaires/')[1][:36]
    sign_up(business, "business", "Maître Roux")

    form = business.get(f"/missions/nouvelle?pour={secretary_id}")
    assert "Proposer une mission à Claire Dubois" in form
    assert 'value="legal" selected' in form.html  # her specialty, to start from
    data = mission_form(specialty="legal", title="Saisie des actes du cabinet")
    bad = business.submit(form, data | {"budget": "", "pour": secretary_id}, expect=422)
    assert bad.field_error("budget")
    assert f'name="pour" value="{secretary_id}"' in bad.html  # still proposed to her
    page = business.submit(form, data | {"pour": secretary_id, "invite_message": "Bonjour !"})
    assert any("proposée à Claire Dubois" in text for text in page.flashes()), page.flashes()
    assert "Claire Dubois" in page  # invited, on the mission page
    dashboard = secretary.get("/tableau-de-bord")
    assert "Saisie des actes du cabinet" in dashboard and "Bonjour !" in dashboard

    # a malformed or unknown id is a plain new mission
    plain = business.get("/missions/nouvelle?pour=pas-un-id")
    assert "Publier une mission" in plain and 'name="pour"' not in plain.html


def test_mission_list_is_paginated(app, browser: Browser, new_browser) -> None:
    business = new_browser()
    sign_up(business, "business")
    for n in range(21):
        post_mission(business, title=f"Mission de saisie numéro {n:02d}")
    page = browser.get("/missions")
    assert "21 missions attendent des devis." in page
    assert "Page 1 sur 2" in page
    assert page.text.count("Mission de saisie numéro") == 20
    second = browser.get("/missions?page=2")
    assert second.text.count("Mission de saisie numéro") == 1
    assert "Mission de saisie numéro 00" in second  # newest first


def test_the_owner_sees_the_quotes_side_by_side_and_sorts_them(new_browser) -> None:
    business, first, second = new_browser(), new_browser(), new_browser()
    sign_up(first, "secretary", "Alice Martin")
    fill_secretary_profile(first, postal_code="69003")
    sign_up(second, "secretary", "Béatrice Roux")
    fill_secretary_profile(second, postal_code="75011")
    sign_up(business, "business")
    mission_id = post_mission(business)
    place_bid(first, mission_id, amount="1 200,00")
    place_bid(second, mission_id, amount="900,00")

    page = business.get(f"/missions/{mission_id}")
    assert "Les devis côte à côte" in page
    table = page.html.split('class="quotes-compare"')[1].split("</table>")[0]
    assert table.index("Alice Martin") < table.index("Béatrice Roux")  # as received
    cheapest = business.get(f"/missions/{mission_id}?tri=price")
    table = cheapest.html.split('class="quotes-compare"')[1].split("</table>")[0]
    assert table.index("Béatrice Roux") < table.index("Alice Martin")
    assert "31,17" in table  # 1 200 € over the 38,5 h she estimated, per hour
    # an unknown sort is the order received, never an error
    assert business.get(f"/missions/{mission_id}?tri=n-importe").status == 200
