"""Milestones through the pages: the secretary splits her quote on the mission page, the
contract page lists the milestones with each party's buttons, step by step."""

from __future__ import annotations

import re
from datetime import date, timedelta

from tests.web.steps import (
    WebDeal,
    accept_billing_mandate,
    contract_id_from,
    fill_business_profile,
    fill_secretary_profile,
    post_mission,
    sign_up,
)


class MilestoneDeal(WebDeal):
    def __init__(self, new_browser) -> None:  # type: ignore[no-untyped-def]
        self.business = new_browser()
        self.secretary = new_browser()
        self.business_email = sign_up(self.business, "business", "Dr Martin")
        fill_business_profile(self.business)
        self.secretary_email = sign_up(self.secretary, "secretary", "Claire Dubois")
        fill_secretary_profile(self.secretary)
        accept_billing_mandate(self.secretary)
        self.mission_id = post_mission(self.business)
        self.contract_id = ""


def due(days: int) -> str:
    return (date.today() + timedelta(days=days)).isoformat()


def bid_form(**rows: str) -> dict[str, str]:
    return {"amount": "1 000,00", "estimated_hours": "30", "message": "En deux temps."} | rows


def test_a_quote_split_into_milestones_is_paid_milestone_by_milestone(new_browser) -> None:
    deal = MilestoneDeal(new_browser)
    mission = f"/missions/{deal.mission_id}"
    page = deal.secretary.get(mission)
    assert "Découper le devis en jalons (facultatif)" in page

    # Amounts that do not make the total: refused, what she typed kept.
    wrong = bid_form(
        milestone_title_1="Saisie du courrier en retard",
        milestone_amount_1="400",
        milestone_due_1=due(10),
        milestone_title_2="Classement et archivage",
        milestone_amount_2="500",
        milestone_due_2=due(20),
    )
    page = deal.secretary.submit(mission, wrong, action=f"{mission}/devis", expect=422)
    assert page.field_error("milestones") == (
        "Les montants des jalons doivent faire le montant du devis."
    )
    assert 'value="Classement et archivage"' in page.html

    page = deal.secretary.submit(
        mission, wrong | {"milestone_amount_2": "600,00"}, action=f"{mission}/devis"
    )
    assert "Devis envoyé" in page
    owner = deal.business.get(mission)
    assert "En 2 jalons" in owner and "Classement et archivage" in owner

    page = deal.hire()
    contract_id_from(page)
    assert "Jalon 1 : Saisie du courrier en retard" in page
    assert "Payer ce jalon (400,00 €) en séquestre" in page
    assert "Payer ce jalon (600,00 €) en séquestre" in page
    assert "Marquer ce jalon comme livré" not in deal.secretary.get(deal.contract_path)

    def step(browser, word: str, position: int):  # type: ignore[no-untyped-def]
        page = browser.get(deal.contract_path)
        actions = re.findall(
            r'action="(/contrats/[^"]+/jalons/[0-9a-f-]{36}/' + word + ')"', page.html
        )
        assert actions, page.text[:2000]
        return browser.submit(deal.contract_path, action=actions[0])

    page = step(deal.business, "payer", 1)
    assert "Jalon payé : les fonds sont en séquestre." in page.flashes()
    assert "en séquestre : 400,00 €" in page
    page = step(deal.secretary, "livrer", 1)
    assert "Jalon marqué comme livré" in " ".join(page.flashes())
    page = step(deal.business, "valider", 1)
    assert "Jalon validé : les fonds sont versés à Claire Dubois." in page.flashes()
    assert "Validé, versé" in page
    assert "Payé, fonds en séquestre" in page  # the contract: one milestone to go

    step(deal.business, "payer", 2)
    step(deal.secretary, "livrer", 2)
    page = step(deal.business, "valider", 2)
    assert "Terminé, fonds versés" in page
    assert "Valider ce jalon" not in page
