from __future__ import annotations

import re

from flask import Flask

from marketplace.accounts.services import create_operator
from tests.web.browser import Browser
from tests.web.steps import WebDeal, sign_in, sign_up


def test_the_whole_deal_through_the_pages(new_browser) -> None:
    deal = WebDeal(new_browser)

    # Accepting commits to pay: a confirmation page first.
    confirm = deal.business.get(f"/devis/{deal.bid_id()}/accepter")
    assert confirm.heading() == "Accepter le devis de Claire Dubois ?"
    assert "En acceptant, vous vous engagez à payer 1 100,00 €." in confirm
    assert "968,00 €" in confirm  # paid to her after approval (12 % commission)
    page = deal.hire()
    assert "Devis accepté" in " ".join(page.flashes())
    assert page.heading() == "Frappe de comptes rendus de consultation"
    assert "En attente de paiement" in page
    assert "Aucun mouvement" in page

    # Funding: the button says how much, and a confirmation step comes before any money moves.
    assert "Payer 1 100,00 € en séquestre" in page
    confirm = deal.business.get(f"{deal.contract_path}/payer")
    assert confirm.heading() == "Payer 1 100,00 € en séquestre"
    assert "En attente de paiement" in deal.business.get(deal.contract_path)
    page = deal.fund()
    assert "Paiement reçu : les fonds sont en séquestre." in " ".join(page.flashes())
    assert "Payé, fonds en séquestre" in page
    assert "Payer 1 100,00 €" not in page

    business_dashboard = deal.business.get("/tableau-de-bord")
    assert "En attente de la livraison" in business_dashboard
    secretary_dashboard = deal.secretary.get("/tableau-de-bord")
    assert "À vous : livrer le travail" in secretary_dashboard

    page = deal.deliver()
    assert "Travail marqué comme livré" in " ".join(page.flashes())
    assert "Travail livré" in page
    page = deal.business.get(deal.contract_path)
    assert "Sans réponse, le versement se fera automatiquement le" in page
    confirm = deal.business.get(f"{deal.contract_path}/valider")
    assert "En validant, les fonds seront versés à Claire Dubois : 968,00 €." in confirm
    page = deal.approve()
    assert "Livraison validée : les fonds sont versés à Claire Dubois." in page.flashes()
    assert "Terminé, fonds versés" in page

    # The ledger: what was paid in, what went out.
    ledger = page.html.split('<table class="ledger stack">')[1].split("</table>")[0]
    rows = [re.sub(r"<[^>]+>", " ", row) for row in ledger.split("<tr>")[2:]]
    rows = [" ".join(row.replace("\u202f", " ").replace("\xa0", " ").split()) for row in rows]
    assert any("Paiement en séquestre Client -1 100,00 €" in r for r in rows), rows
    assert any("Paiement en séquestre Séquestre 1 100,00 €" in r for r in rows), rows
    assert any("Versement à la secrétaire Secrétaire 968,00 €" in r for r in rows), rows
    assert any("Commission de la plateforme 132,00 €" in r for r in rows), rows
    assert "En séquestre actuellement : 0,00 €." in page
    assert "Chaque mouvement est équilibré." in page

    # Timeline
    for step in (
        "Devis accepté, contrat créé",
        "Paiement reçu et placé en séquestre",
        "Travail marqué comme livré",
        "Livraison validée, fonds versés",
    ):
        assert step in page

    # Reviews: hidden until both have rated, then on the public profile.
    page = deal.business.submit(
        deal.contract_path,
        {"rating": "5", "comment": "Rapide et soignée."},
        action=f"{deal.contract_path}/avis",
    )
    assert "Il sera publié dès que l'autre partie aura noté" in " ".join(page.flashes())
    assert "Visible par vous seul·e pour l'instant" in page
    secretary_id = re.search(r'href="/secretaires/([0-9a-f-]{36})"', page.html).group(1)
    assert "Rapide et soignée." not in new_browser().get(f"/secretaires/{secretary_id}")

    page = deal.secretary.get(deal.contract_path)
    assert "Votre avis sur Dr Martin" in page
    assert "Rapide et soignée." not in page
    page = deal.secretary.submit(
        page,
        {"rating": "4", "comment": "Client clair et réactif."},
        action=f"{deal.contract_path}/avis",
    )
    assert "Les deux avis sont maintenant publiés." in " ".join(page.flashes())
    assert "Rapide et soignée." in page and "Client clair et réactif." in page
    assert "Laisser un avis" not in page

    public = new_browser().get(f"/secretaires/{secretary_id}")
    assert "Rapide et soignée." in public
    assert "5/5 · 1 avis" in public
    assert "Missions terminées : 1" in public
    assert "Dr Martin" in public


def test_review_needs_a_rating(new_browser) -> None:
    deal = WebDeal(new_browser)
    deal.hire()
    deal.fund()
    deal.deliver()
    deal.approve()
    page = deal.business.submit(
        deal.contract_path,
        {"comment": "Sans note"},
        action=f"{deal.contract_path}/avis",
        expect=422,
    )
    assert page.text_of("f-rating-error") == "Ce champ est obligatoire."
    assert page.text_of("f-comment") == "Sans note"


def test_someone_else_opening_the_contract_gets_404(new_browser) -> None:
    deal = WebDeal(new_browser)
    deal.hire()
    stranger = new_browser()
    sign_up(stranger, "business")
    page = stranger.get(deal.contract_path, expect=404)
    assert page.heading() == "Page introuvable"
    assert "Contrat introuvable." in page
    other_secretary = new_browser()
    sign_up(other_secretary, "secretary")
    other_secretary.get(deal.contract_path, expect=404)
    other_secretary.get(f"{deal.contract_path}/payer", expect=404)
    response = other_secretary.client.post(f"{deal.contract_path}/livrer")
    assert response.status_code in (400, 404)  # no token, and not hers anyway
    anonymous = new_browser().get(deal.contract_path)
    assert anonymous.path == "/connexion"


def test_secretary_cannot_fund_and_business_cannot_deliver(new_browser) -> None:
    deal = WebDeal(new_browser)
    deal.hire()
    page = deal.secretary.get(deal.contract_path)
    assert "Le client doit payer le montant en séquestre." in page
    assert f'href="{deal.contract_path}/payer"' not in page.html
    page = deal.secretary.get(f"{deal.contract_path}/payer")
    assert page.path == deal.contract_path
    assert "Cette action n'est pas possible pour ce contrat en ce moment." in page.flashes()

    deal.fund()
    page = deal.business.get(deal.contract_path)
    token = page.form("/deconnexion").csrf_token
    response = deal.business.post_raw(f"{deal.contract_path}/livrer", {"csrf_token": token})
    assert response.status_code == 403
    assert "Payé, fonds en séquestre" in deal.business.get(deal.contract_path)


def test_cancelling_a_funded_contract_refunds_the_business(new_browser) -> None:
    deal = WebDeal(new_browser)
    deal.hire()
    deal.fund()
    confirm = deal.business.get(f"{deal.contract_path}/annuler")
    assert confirm.heading() == "Annuler le contrat ?"
    assert "Le contrat est payé : 1 100,00 € seront remboursés au client." in confirm
    page = deal.business.submit(confirm, {"reason": "Besoin annulé par le cabinet."})
    assert "Contrat annulé. Le montant payé est remboursé au client." in page.flashes()
    assert "Annulé" in page
    assert "Remboursement du client" in page
    assert "Besoin annulé par le cabinet." in page
    page = deal.business.get(f"{deal.contract_path}/annuler")
    assert "Cette action n'est pas possible pour ce contrat en ce moment." in page.flashes()


def test_a_second_delivery_is_refused_with_a_message(new_browser) -> None:
    deal = WebDeal(new_browser)
    deal.hire()
    deal.fund()
    before = deal.secretary.get(deal.contract_path)
    deal.deliver()
    page = deal.secretary.submit(before, action=f"{deal.contract_path}/livrer")
    assert page.path == deal.contract_path
    assert any("impossible" in message for message in page.flashes()), page.flashes()


def test_dispute_then_operator_splits_the_money(app: Flask, new_browser) -> None:
    deal = WebDeal(new_browser)
    deal.hire()
    deal.fund()
    deal.deliver()
    page = deal.business.get(deal.contract_path)
    assert "Un problème ? Ouvrir un litige" in page
    page = deal.business.submit(
        page, {"reason": "Court"}, action=f"{deal.contract_path}/litige", expect=422
    )
    assert page.field_error("reason") == "Entre 10 et 4000 caractères."
    assert '<details class="danger-zone" open>' in page.html
    page = deal.business.submit(
        page,
        {"reason": "Dix comptes rendus manquent à la livraison."},
        action=f"{deal.contract_path}/litige",
    )
    assert "Litige ouvert." in " ".join(page.flashes())
    assert "En litige" in page
    assert "Dix comptes rendus manquent" in page

    with app.app_context():
        create_operator("ops@exemple.fr", "motdepasse-operateur")
    operator = new_browser()
    sign_in(operator, "ops@exemple.fr", "motdepasse-operateur")
    dashboard = operator.get("/tableau-de-bord")
    assert "1 litige attend votre arbitrage." in dashboard
    disputes = operator.get("/operateur/litiges")
    assert disputes.heading() == "Litiges à arbitrer"
    assert "Dix comptes rendus manquent à la livraison." in disputes
    assert "Bloqué : 1 100,00 €" in disputes

    action = f"/operateur/litiges/{deal.contract_id}/resoudre"
    # Money moves at once: the operator first confirms the split is final.
    split = {
        "release": "880,00",
        "refund": "220,00",
        "note": "Travail livré aux quatre cinquièmes.",
    }
    page = operator.submit(disputes, split, action=action, expect=422)
    assert page.text_of("f-confirm-1-error") == (
        "Cochez la case pour confirmer cette répartition définitive."
    )
    assert "Litige résolu" not in " ".join(page.flashes())

    page = operator.submit(
        page, {"release": "800", "refund": "200", "confirm": "y"}, action=action, expect=422
    )
    assert "1 100,00 €" in page  # the amount to split is restated
    assert page.text_of("f-release-1-error").startswith("La somme versée et la somme remboursée")
    assert 'value="800"' in page.html

    page = operator.submit(page, split | {"confirm": "y"}, action=action)
    assert "Litige résolu pour « Frappe de comptes rendus de consultation »." in page.flashes()
    assert "Aucun litige en attente." in page

    contract = deal.secretary.get(deal.contract_path)
    assert "Litige résolu" in contract
    # what the ledger shows was paid: the commission is on the released part only
    assert (
        "774,40 € versés à la secrétaire (après 105,60 € de commission), 220,00 € remboursés"
        in contract
    )
    assert "Répartition après litige" in contract
    assert "Travail livré aux quatre cinquièmes." in contract
    assert "Laisser un avis" in contract or "Votre avis sur" in contract


def test_operator_pages_are_for_operators_only(browser: Browser) -> None:
    sign_up(browser, "business")
    page = browser.get("/operateur/litiges", expect=403)
    assert "Votre rôle ne permet pas cette action." in page
