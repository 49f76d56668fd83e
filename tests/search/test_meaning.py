"""Search by meaning (hybrid.py): words that are not the profile's own still find her.

Run on both backends, with the real model (`embeddings.py`, loaded once per process).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from tests.search.helpers import business, ids, mission, secretary

SEARCH = "/api/v1/search/secretaries?"


def search(api: Any, **args: str) -> list[dict]:
    status, body = api.get(SEARCH + urlencode(args))
    assert status == 200, body
    return list(body["results"])


def test_permanence_telephonique_finds_the_reception_of_patients(api):
    reception = secretary(
        api,
        headline="Accueil téléphonique des patients",
        bio="Prise de rendez-vous et gestion de l'agenda du cabinet.",
        skills=[],
    )
    calls = secretary(
        api,
        headline="Standard et prise d'appels pour cabinets",
        bio="Je réponds aux appels et filtre les urgences des praticiens.",
        skills=[],
    )
    typist = secretary(
        api,
        headline="Frappe de comptes rendus",
        bio="Dictées numériques et courriers aux confrères.",
        skills=[],
    )
    order = ids(search(api, q="permanence téléphonique", specialty="medical"))
    assert reception["id"] in order, "the words differ, the meaning is the same"
    assert calls["id"] in order, "no word in common at all: found by meaning alone"
    assert typist["id"] not in order, "typing reports is not answering the phone"
    assert order.index(reception["id"]) < order.index(calls["id"]), "a word and the meaning"


def test_a_mission_ranks_who_does_what_it_means_first(api):
    owner = business(api)
    reception = secretary(
        api,
        headline="Accueil téléphonique des patients",
        bio="Prise de rendez-vous, rappel des patients.",
        skills=["phone_reception"],
    )
    typist = secretary(
        api,
        headline="Frappe de comptes rendus",
        bio="Dictées numériques et courriers aux confrères.",
        skills=["phone_reception"],
    )
    m = mission(
        api,
        owner,
        title="Permanence téléphonique du cabinet",
        description="Répondre aux patients pendant les consultations.",
        skills=["phone_reception"],
    )
    status, body = api.get(f"/api/v1/missions/{m['id']}/matches", token=owner["token"])
    assert status == 200, body
    order = ids(body["results"])
    assert order.index(reception["id"]) < order.index(typist["id"])


MISSIONS = "/api/v1/search/missions"


def _mission_scores(api: Any, token: str, **args: str) -> dict[str, float]:
    status, body = api.get(f"{MISSIONS}?{urlencode(args)}", token=token)
    assert status == 200, body
    return {r["mission"]["id"]: r["score"] for r in body["results"]}


def test_her_missions_are_ranked_by_what_her_profile_means(api):
    """Two missions equal in everything but their text, neither sharing a word with her
    headline: the one that means what she does ranks strictly higher, for her (by her
    profile's vector) and for a typed query (by its vector)."""
    owner = business(api)
    her = secretary(
        api,
        headline="Standard et prise d'appels",
        bio="Je réponds au téléphone et filtre les urgences des praticiens.",
        skills=[],
    )
    same = {"skills": [], "budget_cents": 60000}
    phone = mission(
        api,
        owner,
        title="Permanence téléphonique du matin",
        description="Répondre aux patients et noter leurs demandes.",
        **same,
    )
    typing = mission(
        api,
        owner,
        title="Frappe de comptes rendus opératoires",
        description="Dictées numériques et courriers aux confrères.",
        **same,
    )
    for_her = _mission_scores(api, her["token"])
    assert for_her[phone["id"]] > for_her[typing["id"]], for_her
    typed = _mission_scores(api, her["token"], q="accueil des appels")
    assert phone["id"] in typed, "no word in common with the title: found by meaning"
    assert typing["id"] not in typed or typed[phone["id"]] > typed[typing["id"]], typed
