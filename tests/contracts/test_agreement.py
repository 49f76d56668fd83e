"""The written service agreement over the public API (API.md, Regular work): made when a bid
is accepted and accepted by the business then, accepted by the secretary before she works,
downloaded with the acceptances recorded so far."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from tests import factories as f
from tests.regular.steps import Engagement


def pdf_pages(api, path: str, token: str) -> tuple[list[str], dict]:
    response = api.client.get(path, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.get_data()
    assert response.mimetype == "application/pdf"
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages]
    return pages, dict(response.headers)


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def agreement(api, contract_id: str, token: str) -> dict:
    status, body = api.get(f"/api/v1/contracts/{contract_id}/agreement", token=token)
    assert status == 200, body
    return dict(body)


def test_accepting_a_bid_writes_the_agreement_accepted_by_the_business(api) -> None:
    deal = f.Deal(api, 110_000, through_api=True).hire(agreement=False)
    body = agreement(api, deal.contract_id, deal.business["token"])
    assert re.fullmatch(r"[0-9a-f]{64}", body["sha256"])
    assert body["version"] == 1 and body["accepted_by_both"] is False
    [business] = body["acceptances"]
    assert business["role"] == "business" and business["sha256"] == body["sha256"]
    assert "Cabinet du Dr Martin" in business["name"]
    assert body["personal_data_annex"] is True  # a medical mission: patients' data

    pages, headers = pdf_pages(
        api, f"/api/v1/contracts/{deal.contract_id}/agreement.pdf", deal.secretary["token"]
    )
    assert headers["X-Document-SHA256"] == body["sha256"]
    text = flat(" ".join(pages))
    for expected in (
        "Contrat de prestation de services",
        "Cabinet du Dr Martin",
        "73282932000074",  # her SIRET
        "69003",  # her postal code
        "Frappe de comptes rendus de consultation",
        "Prix forfaitaire : 1 100,00 €",
        "aucun lien de subordination",
        "refuser une demande urgente",
        "Confidentialité",
        "séquestre",
        "article 28",
        "Catégories de personnes concernées",
        "patients",
        "sous-traitant ultérieur",
        "supprimer les copies",
        "audits",
    ):
        assert expected in text, expected
    last = flat(pages[-1])
    assert "Acceptations enregistrées" in last and body["sha256"] in last
    assert "n'a pas encore accepté" in last


def test_she_accepts_once_and_only_then_delivers(api) -> None:
    deal = f.Deal(api, through_api=True).hire(agreement=False)
    assert deal.act("fund", "business")[0] == 200  # funding does not wait
    status, body = deal.act("deliver", "secretary")
    assert status == 409, body
    assert body["error"] == "agreement_not_accepted"
    sha = agreement(api, deal.contract_id, deal.business["token"])["sha256"]
    assert sha in body["message"]

    accepted = f.accept_agreement(api, deal.contract_id, deal.secretary)
    assert accepted["accepted_by_both"] is True
    roles = {a["role"]: a for a in accepted["acceptances"]}
    assert roles["secretary"]["sha256"] == sha and roles["secretary"]["name"]
    again = f.accept_agreement(api, deal.contract_id, deal.secretary)
    assert again["acceptances"] == accepted["acceptances"]  # idempotent

    assert deal.act("deliver", "secretary")[0] == 200
    pages, _ = pdf_pages(
        api, f"/api/v1/contracts/{deal.contract_id}/agreement.pdf", deal.business["token"]
    )
    last = flat(pages[-1])
    assert "La prestataire" in last and "Le client" in last
    assert "n'a pas encore accepté" not in last


def test_others_cannot_read_or_accept_the_agreement(api, app) -> None:
    deal = f.Deal(api).hire(agreement=False)
    path = f"/api/v1/contracts/{deal.contract_id}/agreement"
    stranger = f.secretary(api)
    for url in (path, f"{path}.pdf"):
        assert api.get(url, token=stranger["token"])[0] == 404
    assert api.post(f"{path}/accept", token=stranger["token"])[0] == 404
    assert api.post(f"{path}/accept", token=deal.business["token"])[0] == 403
    operator = f.operator(api, app)
    assert api.get(path, token=operator["token"])[0] == 200
    pdf_pages(api, f"{path}.pdf", operator["token"])
    assert api.post(f"{path}/accept", token=operator["token"])[0] == 403
    assert agreement(api, deal.contract_id, operator["token"])["accepted_by_both"] is False


def test_accepting_by_another_documents_hash_is_refused(api) -> None:
    deal = f.Deal(api).hire(agreement=False)
    status, body = api.post(
        f"/api/v1/contracts/{deal.contract_id}/agreement/accept",
        {"sha256": "0" * 64},
        token=deal.secretary["token"],
    )
    assert status == 409 and body["error"] == "agreement_changed"
    sha = agreement(api, deal.contract_id, deal.secretary["token"])["sha256"]
    status, body = api.post(
        f"/api/v1/contracts/{deal.contract_id}/agreement/accept",
        {"sha256": sha},
        token=deal.secretary["token"],
    )
    assert status == 200 and body["accepted_by_both"] is True


def test_a_recurring_agreement_states_the_rate_surcharges_slots_and_notice(api) -> None:
    e = Engagement(api, agreement=False)
    status, body = e.log(60)
    assert status == 409 and body["error"] == "agreement_not_accepted"
    pages, _ = pdf_pages(api, f"/api/v1/contracts/{e.id}/agreement.pdf", e.token("secretary"))
    text = flat(" ".join(pages))
    for expected in (
        "30,00 € de l'heure",
        "10 h au plus par semaine",
        "Majoration urgence 50 %",
        "Majoration soir 25 %",
        "Majoration week-end 40 %",
        "lundi 08:00–10:00",
        "vendredi 08:00–10:00",
        "préavis de 7 jours",
        "durée indéterminée",
    ):
        assert expected in text, expected
    f.accept_agreement(api, e.id, e.secretary)
    e.fund(e.period()["id"])
    assert e.log(60)[0] == 201


def test_work_without_personal_data_has_no_processing_annex(api) -> None:
    owner = f.business(api)
    sec = f.secretary(api)
    mission = f.mission(
        api,
        owner,
        title="Mise en forme d'un catalogue",
        description="Mise en page du catalogue produits de l'atelier.",
        specialty="industry",
        skills=["desktop_publishing"],
    )
    bid = f.bid(api, sec, mission["id"], 50_000)
    status, contract = api.post(f"/api/v1/bids/{bid['id']}/accept", token=owner["token"])
    assert status == 201, contract
    body = agreement(api, contract["id"], owner["token"])
    assert body["personal_data_annex"] is False
    pages, _ = pdf_pages(api, f"/api/v1/contracts/{contract['id']}/agreement.pdf", sec["token"])
    text = flat(" ".join(pages))
    assert "n'implique pas de traitement de données personnelles" in text
    assert "Annexe" not in text
