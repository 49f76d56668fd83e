"""The search endpoints of API.md, against both backends (the `search_app` fixture)."""

from __future__ import annotations

from datetime import date, timedelta

from tests import factories
from tests.search.helpers import business, ids, mission, next_weekday, secretary

MATCHES = "/api/v1/missions/{}/matches"
SECRETARIES = "/api/v1/search/secretaries"
MISSIONS = "/api/v1/search/missions"


def test_matches_are_for_the_mission_owner_only(api):
    owner, other = business(api), business(api)
    sec = secretary(api)
    m = mission(api, owner)
    assert api.get(MATCHES.format(m["id"]))[0] == 401
    assert api.get(MATCHES.format(m["id"]), token=sec["token"])[0] == 403
    assert api.get(MATCHES.format(m["id"]), token=other["token"])[0] == 404
    status, body = api.get(MATCHES.format(m["id"]), token=owner["token"])
    assert status == 200, body
    assert body["mission_id"] == m["id"]
    assert ids(body["results"]) == [sec["id"]]


def test_matches_refuse_callers_as_api_user_and_owned_mission_do(api, search_app):
    """The caller and the mission come from one query: the answers are those of the two."""
    import uuid

    from marketplace.accounts.models import User
    from marketplace.extensions import db

    owner = business(api)
    sec = secretary(api)
    m = mission(api, owner)
    url = MATCHES.format(m["id"])
    for header in ("Basic abc", "Bearer", "Bearer mkt_unknown", "Bearer not-a-token"):
        assert api.get(url, headers={"Authorization": header})[0] == 401, header
    assert api.get(MATCHES.format(uuid.uuid4()), token=owner["token"])[0] == 404
    assert api.get(MATCHES.format(uuid.uuid4()), token=sec["token"])[0] == 403
    assert api.get(url, token=owner["token"])[0] == 200
    # a revoked token, then a suspended owner
    second = api.post(
        "/api/v1/auth/token", {"email": owner["email"], "password": factories.PASSWORD}
    )
    assert second[0] == 200, second
    assert api.call("DELETE", "/api/v1/auth/token", token=second[1]["token"])[0] == 204
    assert api.get(url, token=second[1]["token"])[0] == 401
    with search_app.app_context():
        db.session.get(User, uuid.UUID(owner["id"])).is_suspended = True
        db.session.commit()
    assert api.get(url, token=owner["token"])[0] == 401


def test_a_match_carries_the_public_profile_score_distance_and_reasons(api):
    owner = business(api)
    sec = secretary(api, postal_code="69003")
    m = mission(api, owner, postal_code="69006")
    status, body = api.get(MATCHES.format(m["id"]), token=owner["token"])
    assert status == 200, body
    (result,) = body["results"]
    assert result["score"] > 0
    assert 0 < result["distance_km"] < 5
    assert "Spécialité médicale" in result["reasons"]
    assert any(r.startswith("À ") and " km" in r for r in result["reasons"])
    assert isinstance(result["caveats"], list)
    _status, public = api.get(f"/api/v1/secretaries/{sec['id']}")
    card = result["secretary"]
    for key in (
        "id",
        "display_name",
        "headline",
        "hourly_rate_cents",
        "specialties",
        "skills",
        "city",
        "postal_code",
        "rating_avg",
        "rating_count",
        "completed_contracts",
        "availability",
        "remote",
        "onsite_radius_km",
        "has_siret",
    ):
        assert card[key] == public[key], key


def test_reasons_follow_the_language_asked_for(api):
    owner = business(api)
    secretary(api)
    m = mission(api, owner)
    _s, body = api.get(
        MATCHES.format(m["id"]), token=owner["token"], headers={"Accept-Language": "en"}
    )
    reasons = body["results"][0]["reasons"]
    assert "Medical specialty" in reasons
    assert "Within your budget" in reasons


def test_matches_limit_is_bounded(api):
    owner = business(api)
    m = mission(api, owner)
    for _ in range(3):
        secretary(api)
    _s, body = api.get(MATCHES.format(m["id"]) + "?limit=2", token=owner["token"])
    assert len(body["results"]) == 2 and body["total"] == 3
    status, body = api.get(MATCHES.format(m["id"]) + "?limit=101", token=owner["token"])
    assert status == 422 and "limit" in body["errors"]["query"]


def test_specialty_is_required_unless_the_client_relaxes_it(api):
    owner = business(api)
    medical = secretary(api)
    legal = secretary(api, specialties=["legal"], skills=["legal_drafting"])
    m = mission(api, owner)
    _s, strict = api.get(MATCHES.format(m["id"]), token=owner["token"])
    assert ids(strict["results"]) == [medical["id"]]
    _s, loose = api.get(MATCHES.format(m["id"]) + "?strict_specialty=false", token=owner["token"])
    assert ids(loose["results"]) == [medical["id"], legal["id"]]


def test_search_secretaries_is_public_and_paginated(api):
    for _ in range(5):
        secretary(api)
    status, body = api.get(SECRETARIES + "?per_page=2&page=2")
    assert status == 200, body
    assert body["total"] == 5 and body["page"] == 2 and body["per_page"] == 2
    assert len(body["results"]) == 2
    _s, first = api.get(SECRETARIES + "?per_page=2&page=1")
    _s, third = api.get(SECRETARIES + "?per_page=2&page=3")
    everyone = ids(first["results"]) + ids(body["results"]) + ids(third["results"])
    assert len(set(everyone)) == 5


def test_search_filters_specialty_skills_rate_and_remote(api):
    medical = secretary(api, hourly_rate_cents=2800, onsite_radius_km=0)
    expensive = secretary(api, hourly_rate_cents=5200, onsite_radius_km=0)
    legal = secretary(
        api, specialties=["legal"], skills=["legal_drafting", "mail_merge"], onsite_radius_km=0
    )
    onsite = secretary(api, remote=False, onsite_radius_km=30, postal_code="69002")

    def found(query: str) -> set[str]:
        status, body = api.get(SECRETARIES + query)
        assert status == 200, body
        return set(ids(body["results"]))

    assert found("?specialty=legal") == {legal["id"]}
    assert found("?skills=legal_drafting,mail_merge") == {legal["id"]}
    assert found("?skills=legal_drafting&skills=mail_merge") == {legal["id"]}
    assert found("?skills=legal_drafting,phone_reception") == set()
    assert found("?max_rate_cents=3000") == {medical["id"], legal["id"], onsite["id"]}
    assert expensive["id"] not in found("?max_rate_cents=5000")
    assert onsite["id"] not in found("?remote=true")
    assert found("?remote=false&postal_code=69003") == {onsite["id"]}
    assert found("?remote=false&postal_code=75001") == set()


def test_search_by_place_and_radius(api):
    lyon = secretary(api, postal_code="69003")
    paris = secretary(api, postal_code="75011")
    status, body = api.get(SECRETARIES + "?postal_code=69001&radius_km=30")
    assert status == 200, body
    assert ids(body["results"]) == [lyon["id"]]
    assert body["results"][0]["distance_km"] < 5
    _s, everyone = api.get(SECRETARIES + "?postal_code=69001")
    assert ids(everyone["results"]) == [lyon["id"], paris["id"]]
    assert everyone["results"][1]["distance_km"] > 350


def test_search_available_on_a_date(api):
    monday = next_weekday(0)
    on_mondays = secretary(api, availability={"weekdays": ["mon"], "hours_per_week": 10})
    later = secretary(
        api,
        availability={
            "weekdays": ["mon"],
            "hours_per_week": 10,
            "available_from": (monday + timedelta(days=10)).isoformat(),
        },
    )
    tuesdays = secretary(api, availability={"weekdays": ["tue"], "hours_per_week": 10})
    _s, body = api.get(SECRETARIES + f"?available_on={monday.isoformat()}")
    assert ids(body["results"]) == [on_mondays["id"]]
    _s, body = api.get(SECRETARIES + f"?available_on={(monday + timedelta(days=14)).isoformat()}")
    assert set(ids(body["results"])) == {on_mondays["id"], later["id"]}
    assert tuesdays["id"] not in ids(body["results"])


def test_text_search_ignores_accents_case_and_plurals(api):
    wanted = secretary(
        api, headline="Secrétariat médical et comptes rendus", bio="Télésecrétaire pour cabinets."
    )
    secretary(
        api,
        headline="Assistante juridique",
        bio="Actes et courriers.",
        specialties=["legal"],
        skills=["legal_drafting"],
    )
    for query in ("secretariat medical", "SECRÉTARIAT MÉDICAL", "compte rendu", "telesecretaires"):
        status, body = api.get(SECRETARIES, query_string={"q": query})
        assert status == 200, body
        assert ids(body["results"]) == [wanted["id"]], query
        assert any("Correspond à" in r for r in body["results"][0]["reasons"])


def test_bad_filters_are_422_naming_the_field(api):
    cases = {
        "?postal_code=99999": "postal_code",
        "?postal_code=123": "postal_code",
        "?radius_km=20": "postal_code",
        "?remote=false": "postal_code",
        "?specialty=astrology": "specialty",
        "?skills=juggling": "skills",
        "?per_page=101": "per_page",
        "?page=0": "page",
        "?max_rate_cents=-5": "max_rate_cents",
        "?available_on=demain": "available_on",
        "?radius_km=0&postal_code=69003": "radius_km",
    }
    for query, field in cases.items():
        status, body = api.get(SECRETARIES + query)
        assert status == 422, (query, body)
        assert field in body["errors"]["query"], (query, body)
        assert field in body["message"]


def test_search_missions_lists_open_missions_only(api):
    owner = business(api)
    open_one = mission(api, owner, title="Accueil téléphonique cabinet dentaire")
    closed = mission(api, owner, title="Accueil téléphonique cabinet vétérinaire")
    assert api.post(f"/api/v1/missions/{closed['id']}/close", token=owner["token"])[0] == 200
    status, body = api.get(MISSIONS)
    assert status == 200, body
    assert [r["mission"]["id"] for r in body["results"]] == [open_one["id"]]
    assert body["total"] == 1


def test_search_missions_filters(api):
    owner = business(api)
    lyon = mission(
        api,
        owner,
        title="Publipostage pour une mutuelle",
        specialty="insurance",
        skills=["mail_merge"],
        postal_code="69003",
    )
    paris = mission(
        api,
        owner,
        title="Accueil téléphonique étude notariale",
        specialty="legal",
        skills=["phone_reception"],
        postal_code="75008",
    )

    def found(query: dict[str, str]) -> list[str]:
        status, body = api.get(MISSIONS, query_string=query)
        assert status == 200, body
        return [r["mission"]["id"] for r in body["results"]]

    assert found({"specialty": "legal"}) == [paris["id"]]
    assert found({"postal_code": "69001", "radius_km": "50"}) == [lyon["id"]]
    assert found({"q": "etude notariale"}) == [paris["id"]]
    assert found({"q": "publipostages mutuelles"}) == [lyon["id"]]
    status, body = api.get(MISSIONS + "?postal_code=00000")
    assert status == 422 and "postal_code" in body["errors"]["query"]


def test_confidential_descriptions_are_not_searchable(api):
    owner = business(api)
    mission(
        api,
        owner,
        title="Saisie de dossiers clients",
        confidential=True,
        description="Fusion acquisition du groupe Dupont, dossiers très sensibles.",
    )
    _s, body = api.get(MISSIONS, query_string={"q": "Dupont"})
    assert body["total"] == 0
    _s, body = api.get(MISSIONS, query_string={"q": "dossiers clients"})
    assert body["total"] == 1
    assert body["results"][0]["mission"]["description"] is None


def test_a_secretary_without_filters_gets_missions_ranked_for_her(api):
    owner = business(api)
    sec = secretary(
        api,
        postal_code="69003",
        remote=False,
        onsite_radius_km=20,
        specialties=["medical"],
        skills=["medical_transcription"],
    )
    near = mission(api, owner, postal_code="69006", remote_ok=False)
    far_onsite = mission(api, owner, postal_code="13001", remote_ok=False)
    other = mission(
        api,
        owner,
        postal_code="69007",
        specialty="industry",
        skills=["spreadsheets"],
        title="Tableaux de suivi de production",
    )
    status, body = api.get(MISSIONS, token=sec["token"])
    assert status == 200, body
    order = [r["mission"]["id"] for r in body["results"]]
    assert (
        far_onsite["id"] not in order
    )  # on site, beyond her radius, and she does not work remotely
    assert order == [near["id"], other["id"]]
    assert "Spécialité médicale" in body["results"][0]["reasons"]
    # the public listing (no token) still shows every open mission
    _s, public = api.get(MISSIONS)
    assert public["total"] == 3
    # a bad token is refused, not ignored
    assert api.get(MISSIONS, token="mk_not-a-token")[0] == 401


def test_openapi_documents_the_search_endpoints(api):
    _s, spec = api.get("/api/v1/openapi.json")
    for path in (
        "/api/v1/missions/{mission_id}/matches",
        "/api/v1/search/secretaries",
        "/api/v1/search/missions",
    ):
        assert path in spec["paths"], path


def test_suspended_secretaries_are_not_found(api, search_app):
    import uuid

    from marketplace.accounts.models import User
    from marketplace.extensions import db

    sec = secretary(api)
    with search_app.app_context():
        user = db.session.get(User, uuid.UUID(sec["id"]))
        user.is_suspended = True
        db.session.commit()
    _s, body = api.get(SECRETARIES)
    assert body["total"] == 0


def test_far_pages_are_empty_not_errors(api):
    secretary(api)
    status, body = api.get(SECRETARIES + "?page=9999&per_page=100")
    assert status == 200, body
    assert body["results"] == [] and body["total"] == 1


_ = date


def test_mission_search_filters_remote_and_budget_and_stays_ranked_for_her(api):
    owner = business(api)
    remote = mission(api, owner, remote_ok=True, budget_cents=120_000)
    onsite = mission(api, owner, remote_ok=False, budget_cents=300_000, postal_code="69003")
    legal = mission(api, owner, specialty="legal", skills=["legal_drafting"], budget_cents=90_000)

    def found(query: dict[str, str], token: str | None = None) -> list[str]:
        status, body = api.get(MISSIONS, query_string=query, token=token)
        assert status == 200, body
        return [r["mission"]["id"] for r in body["results"]]

    assert set(found({"remote": "true"})) == {remote["id"], legal["id"]}
    assert found({"remote": "false"}) == [onsite["id"]]
    assert set(found({"min_budget_cents": "100000"})) == {remote["id"], onsite["id"]}
    # a medical secretary in Lyon: with a filter, still ranked for her (her specialty first)
    sec = secretary(api, postal_code="69003", onsite_radius_km=20)
    assert found({"remote": "true"}, sec["token"])[0] == remote["id"]
    status, body = api.get(MISSIONS, query_string={"min_budget_cents": "80000"}, token=sec["token"])
    by_id = {r["mission"]["id"]: r for r in body["results"]}
    assert "Spécialité médicale" in by_id[remote["id"]]["reasons"]
    assert any(c.startswith("Hors de vos spécialités") for c in by_id[legal["id"]]["caveats"])
    status, body = api.get(MISSIONS, query_string={"min_budget_cents": "-1"})
    assert status == 422 and "min_budget_cents" in body["errors"]["query"]
