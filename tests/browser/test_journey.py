"""The whole journey in Chromium, as the two people would click it (sandbox payments)."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask import Flask
from playwright.sync_api import Page, expect

from tests.browser.audit import screenshot
from tests.browser.steps import (
    MISSION_TITLE,
    accept_billing_mandate,
    fill_business_profile,
    fill_secretary_profile,
    flash,
    nav,
    path_of,
    post_mission,
    sign_up,
)

# French money: "1 100,00 €" with a narrow no-break space between thousands.
AMOUNT = r"1\s100,00\s€"
PAYOUT = r"968,00\s€"  # 1 100 € less the 12 % commission


def test_secretary_and_business_go_from_sign_up_to_a_published_review(
    new_page: Callable[[], Page], app: Flask
) -> None:
    # A secretary signs up and fills her profile.
    claire = new_page()
    sign_up(claire, "secretary", "Claire Dubois", app=app)
    fill_secretary_profile(claire)
    expect(claire.get_by_text("Localisation enregistrée")).to_contain_text("Lyon")
    accept_billing_mandate(claire)

    # A business signs up, presents the practice and posts a mission.
    martin = new_page()
    sign_up(martin, "business", "Dr Martin", app=app)
    fill_business_profile(martin)
    mission = post_mission(martin)

    # The mission page ranks the matching secretaries, with the reasons, and invites one.
    matches = martin.get_by_role("region", name="Secrétaires pour cette mission")
    expect(matches).to_be_visible()
    ranked = matches.get_by_role("listitem").filter(has_text="Claire Dubois")
    expect(ranked).to_have_count(1)
    expect(ranked.get_by_role("list", name="Points forts")).to_contain_text(
        re.compile("médical", re.IGNORECASE)
    )
    screenshot(martin, "mission-owner")
    ranked.get_by_role("button", name="Inviter Claire Dubois à proposer un devis").click()
    flash(martin, "Invitation envoyée")
    expect(
        martin.get_by_role("region", name="Secrétaires pour cette mission").get_by_text("Invitée")
    ).to_be_visible()

    # She finds the mission ranked for her, and the invitation, on her dashboard.
    nav(claire, "Tableau de bord")
    expect(claire.get_by_role("region", name="Missions pour vous")).to_contain_text(MISSION_TITLE)
    invitations = claire.get_by_role("region", name="Invitations reçues")
    expect(invitations).to_contain_text("Dr Martin")
    invitations.get_by_role("link", name=MISSION_TITLE).click()
    expect(claire).to_have_url(re.compile(f"{mission}$"))
    claire.get_by_label("Montant total de votre devis").fill("1 100,00")
    claire.get_by_label("Heures estimées").fill("38,5")
    claire.get_by_label("Message au client").fill(
        "Douze ans en cabinet de cardiologie, disponible dès lundi."
    )
    claire.get_by_role("button", name="Envoyer mon devis").click()
    flash(claire, "Devis envoyé.")
    expect(claire.get_by_role("complementary")).to_contain_text("En attente de réponse")

    # The business sees the quote from its dashboard, accepts it after a confirmation.
    nav(martin, "Tableau de bord")
    missions = martin.get_by_role("region", name="Mes missions")
    expect(missions.get_by_role("row").filter(has_text=MISSION_TITLE)).to_contain_text(
        "1 à examiner"
    )
    missions.get_by_role("link", name=MISSION_TITLE).click()
    bids = martin.get_by_role("region", name="Devis reçus")
    expect(bids).to_contain_text("Claire Dubois")
    expect(bids).to_contain_text(re.compile(AMOUNT))
    bids.get_by_role("button", name="Accepter ce devis…").click()
    expect(martin.get_by_role("heading", level=1)).to_have_text(
        "Accepter le devis de Claire Dubois ?"
    )
    expect(martin.get_by_role("main")).to_contain_text(re.compile(PAYOUT))
    martin.get_by_role("button", name="Oui, accepter ce devis").click()
    flash(martin, "Devis accepté : le contrat avec Claire Dubois est créé.")
    contract = path_of(martin, "contrats")

    # Paying into escrow asks for a confirmation first.
    martin.get_by_role("button", name=re.compile(f"Payer {AMOUNT} en séquestre")).click()
    expect(martin).to_have_url(re.compile(f"{contract}/payer$"))
    expect(martin.get_by_role("main")).to_contain_text("L'argent est bloqué")
    martin.get_by_role("button", name=re.compile(f"Confirmer le paiement de {AMOUNT}")).click()
    flash(martin, "Paiement reçu : les fonds sont en séquestre.")
    expect(martin.get_by_role("main")).to_contain_text("Payé, fonds en séquestre")

    # She delivers, from what waits for her on the dashboard.
    nav(claire, "Tableau de bord")
    todo = claire.get_by_role("region", name="À faire maintenant")
    todo.get_by_role("link", name="À vous : livrer le travail").click()
    expect(claire).to_have_url(re.compile(f"{contract}$"))
    # The written agreement first: its fingerprint, then her acceptance.
    agreement = claire.get_by_role("region", name="Contrat de prestation")
    expect(agreement.locator("code.sha256")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    expect(agreement).to_contain_text("Accepté par Dr Martin")
    agreement.get_by_role("button", name="J'accepte le contrat de prestation").click()
    flash(claire, "Contrat de prestation accepté")
    expect(claire.get_by_role("region", name="Contrat de prestation")).to_contain_text(
        "Accepté par Claire Dubois"
    )
    claire.get_by_role("button", name="Marquer comme livré").click()
    flash(claire, "Travail marqué comme livré.")

    # The business approves, after a confirmation that says who gets how much.
    nav(martin, "Tableau de bord")
    martin.get_by_role("region", name="À faire maintenant").get_by_role(
        "link", name="À vous : valider la livraison"
    ).click()
    martin.get_by_role("button", name="Valider la livraison").click()
    expect(martin.get_by_role("main")).to_contain_text(
        re.compile(f"les fonds seront versés à Claire Dubois : {PAYOUT}")
    )
    martin.get_by_role("button", name="Valider et verser les fonds").click()
    flash(martin, "Livraison validée : les fonds sont versés à Claire Dubois.")
    expect(martin.get_by_role("main")).to_contain_text("Terminé, fonds versés")

    # Both review; the second review publishes both.
    martin.get_by_label("5 — Excellent").check()
    martin.get_by_label("Commentaire").fill("Comptes rendus impeccables, toujours à l'heure.")
    martin.get_by_role("button", name="Publier mon avis").click()
    flash(martin, "Merci pour votre avis ! Il sera publié dès que l'autre partie aura noté")

    claire.reload()
    claire.get_by_label("4 — Très bien").check()
    claire.get_by_label("Commentaire").fill("Client clair et réactif.")
    claire.get_by_role("button", name="Publier mon avis").click()
    flash(claire, "Les deux avis sont maintenant publiés.")

    # Her earnings show on her dashboard.
    nav(claire, "Tableau de bord")
    earnings = claire.get_by_role("region", name="Mes revenus")
    expect(earnings).to_contain_text(re.compile(PAYOUT))

    # The business's dashboard lists the payment and Claire's invoice.
    nav(martin, "Tableau de bord")
    payments = martin.get_by_role("region", name="Paiements et factures")
    expect(payments.get_by_role("row").filter(has_text="Paiement en séquestre")).to_contain_text(
        re.compile(AMOUNT)
    )
    expect(
        payments.get_by_role("link", name=re.compile("Facture n° .* de Claire Dubois"))
    ).to_be_visible()

    # The review shows on her public profile.
    martin.goto(contract)
    martin.get_by_role("main").get_by_role("link", name="Claire Dubois", exact=True).click()
    expect(martin.get_by_role("heading", level=1)).to_have_text("Claire Dubois")
    reviews = martin.get_by_role("region", name="Avis des clients")
    expect(reviews).to_contain_text("Comptes rendus impeccables, toujours à l'heure.")
    expect(reviews.get_by_label("5 sur 5")).to_be_visible()
    expect(martin.get_by_role("main")).to_contain_text("1 avis")
