"""Reasons and caveats: what speaks for a result and what speaks against it (explain.py).

Every ranked result carries both lists, in the caller's language, on both backends; being
over budget, far away or partly available is a caveat, never a reason; a keyword reason
names no digit and no unit.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from flask.testing import FlaskClient

from tests.search.helpers import business, mission, next_weekday, secretary

MATCHES = "/api/v1/missions/{}/matches"
SECRETARIES = "/api/v1/search/secretaries"
MISSIONS = "/api/v1/search/missions"


def matches(api: Any, owner: dict, m: dict, lang: str = "fr") -> list[dict]:
    status, body = api.get(
        MATCHES.format(m["id"]), token=owner["token"], headers={"Accept-Language": lang}
    )
    assert status == 200, body
    return list(body["results"])


def test_over_budget_far_and_partly_available_are_caveats_most_costly_first(api):
    owner = business(api)
    start = next_weekday(0)
    far_pricey = secretary(
        api,
        postal_code="75011",
        hourly_rate_cents=3900,
        availability={"weekdays": ["mon", "tue"], "hours_per_week": 14},
    )
    m = mission(
        api,
        owner,
        title="Secrétaire médicale 3 jours par semaine, 5 ans d'expérience",
        start_date=start.isoformat(),
        end_date=(start + timedelta(days=4)).isoformat(),
    )
    (result,) = matches(api, owner, m)
    assert result["secretary"]["id"] == far_pricey["id"]
    caveats = result["caveats"]
    # 39 €/h against 30 €/h costs more points than 2 days out of 5 or 390 km when remote
    assert caveats[0] == "30\u00a0% au-dessus de votre budget (39\u00a0€/h)"
    assert "Disponible 2 jours sur les 5 prévus" in caveats
    assert any(re.fullmatch(r"Loin : à \d+ km de .+", c) for c in caveats), caveats
    for reason in result["reasons"]:
        assert "budget" not in reason and not reason.startswith("Loin")
    assert result["reasons"][0] == "Spécialité médicale", "the heaviest part comes first"


def test_caveats_are_translated_like_the_reasons(api):
    owner = business(api)
    secretary(api, hourly_rate_cents=3600)
    m = mission(api, owner)
    (result,) = matches(api, owner, m, "en")
    assert "Medical specialty" in result["reasons"]
    assert "20% over your budget (€36/h)" in result["caveats"]


def test_keyword_reasons_name_no_digits_and_no_units(api):
    owner = business(api)
    secretary(api, headline="Secrétaire médicale, 3 ans de permanence et 12 mois de frappe")
    m = mission(api, owner, title="Secrétaire médicale 3 ans frappe 12 mois")
    (result,) = matches(api, owner, m)
    said = result["reasons"] + result["caveats"]
    words = [r for r in said if r.startswith("Son profil parle de")]
    assert words == ["Son profil parle de : secrétaire, médicale, frappe"]
    assert not any(re.search(r"\b(3|12|ans|mois)\b", w) for w in words), words


def test_a_secretary_search_and_a_mission_search_carry_caveats_too(api):
    secretary(api, postal_code="69003", hourly_rate_cents=4000)
    status, body = api.get(
        SECRETARIES, query_string={"max_rate_cents": 5000, "postal_code": "13001"}
    )
    assert status == 200, body
    (result,) = body["results"]
    assert len(result["caveats"]) == 1 and result["caveats"][0].startswith("Loin : à "), result
    assert "Dans votre budget" in result["reasons"]

    owner = business(api)
    her = secretary(
        api, postal_code="69003", hourly_rate_cents=4000, skills=["medical_transcription"]
    )
    mission(api, owner, skills=["medical_transcription", "spreadsheets"])  # 30 €/h
    status, body = api.get(MISSIONS, token=her["token"])
    assert status == 200, body
    (found,) = body["results"]
    assert "Budget d'environ 30\u00a0€/h, sous votre tarif (40\u00a0€/h)" in found["caveats"]
    assert any(c.startswith("Demande aussi : ") for c in found["caveats"])
    assert "1 compétence en commun : frappe de comptes rendus médicaux" in found["reasons"]


def test_a_card_shows_four_reasons_at_most_and_the_caveats_apart(api: Any, client: FlaskClient):
    secretary(api, postal_code="69003", hourly_rate_cents=4000)
    html = client.get("/recherche?q=secretaire+medicale&postal_code=13001").get_data(as_text=True)
    reasons = re.search(r'<ul class="reasons"[^>]*>(.*?)</ul>', html, re.S)
    caveats = re.search(r'<ul class="caveats"[^>]*>(.*?)</ul>', html, re.S)
    assert reasons and caveats, html[-3000:]
    assert 1 <= reasons.group(1).count("<li>") <= 4
    assert "Loin : à " in caveats.group(1)
    assert "Loin" not in reasons.group(1)
    assert 'aria-label="Points d\'attention"' in html
