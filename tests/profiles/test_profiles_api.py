from __future__ import annotations

import pytest

from tests import factories as f


def test_secretary_profile_resolves_the_place(api) -> None:
    user = f.register(api, "secretary")
    status, body = api.put(
        "/api/v1/me/profile", f.secretary_profile(postal_code="13001"), token=user["token"]
    )
    assert status == 200, body
    assert (body["city"], body["department"], body["region"]) == (
        "Marseille",
        "Bouches-du-Rhône",
        "Provence-Alpes-Côte d'Azur",
    )
    assert body["lat"] == pytest.approx(43.30, abs=0.05)
    assert body["siret"] == "73282932000074"
    status, public = api.get(f"/api/v1/secretaries/{user['id']}")
    assert status == 200
    assert "siret" not in public and public["has_siret"] is True
    assert public["rating_avg"] is None and public["rating_count"] == 0
    assert public["completed_contracts"] == 0
    assert public["availability"]["weekdays"] == ["mon", "tue", "thu"]


@pytest.mark.parametrize(
    ("postal_code", "city", "region"),
    [
        ("97400", "Saint-Denis", "La Réunion"),
        ("20000", "Ajaccio", "Corse"),
        ("97600", "Mamoudzou", "Mayotte"),
    ],
)
def test_overseas_and_corsica_postal_codes(api, postal_code, city, region) -> None:
    user = f.register(api, "secretary")
    status, body = api.put(
        "/api/v1/me/profile", f.secretary_profile(postal_code=postal_code), token=user["token"]
    )
    assert status == 200, body
    assert body["city"] == city and body["region"] == region


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"postal_code": "00000"}, "postal_code"),
        ({"postal_code": "ABCDE"}, "postal_code"),
        ({"postal_code": "99999"}, "postal_code"),
        ({"country": "BE"}, "country"),
        ({"siret": "12345678901234"}, "siret"),
        ({"siret": "123"}, "siret"),
        ({"specialties": ["cuisine"]}, "specialties.0"),
        ({"specialties": []}, "specialties"),
        ({"specialties": ["legal", "legal"]}, "specialties"),
        ({"hourly_rate_cents": 100}, "hourly_rate_cents"),
        ({"hourly_rate_cents": "vingt"}, "hourly_rate_cents"),
        ({"surcharge_percent": 150}, "surcharge_percent"),
        ({"availability": {"weekdays": ["lundi"]}}, "availability.weekdays.0"),
        ({"remote": False, "onsite_radius_km": 0}, "onsite_radius_km"),
        ({"salary": 3}, "salary"),
    ],
)
def test_invalid_profiles_are_422_naming_the_field(api, changes, field) -> None:
    user = f.register(api, "secretary")
    status, body = api.put(
        "/api/v1/me/profile", f.secretary_profile(**changes), token=user["token"]
    )
    assert status == 422, body
    assert field in body["errors"]["json"], body
    assert field.split(".")[0] in body["message"]
    assert api.get("/api/v1/me/profile", token=user["token"])[0] == 404  # nothing half-written


def test_a_failed_update_keeps_the_previous_profile(api) -> None:
    user = f.secretary(api)
    status, _ = api.put(
        "/api/v1/me/profile",
        f.secretary_profile(postal_code="00000", headline="Nouveau titre"),
        token=user["token"],
    )
    assert status == 422
    _, body = api.get("/api/v1/me/profile", token=user["token"])
    assert body["headline"] != "Nouveau titre" and body["postal_code"] == "69003"


def test_siret_with_spaces_is_accepted(api) -> None:
    user = f.register(api, "secretary")
    status, body = api.put(
        "/api/v1/me/profile", f.secretary_profile(siret="732 829 320 00074"), token=user["token"]
    )
    assert status == 200 and body["siret"] == "73282932000074"


def test_business_profile(api) -> None:
    user = f.register(api, "business")
    status, body = api.put(
        "/api/v1/me/profile", f.business_profile(postal_code="75008"), token=user["token"]
    )
    assert status == 200, body
    assert body["company_name"] == "Cabinet du Dr Martin"
    assert body["city"] == "Paris" and body["department_code"] == "75"
    status, body = api.put("/api/v1/me/profile", f.secretary_profile(), token=user["token"])
    assert status == 422  # a business does not send secretary fields


def test_taxonomy_has_the_fixed_specialty_codes(api) -> None:
    status, body = api.get("/api/v1/taxonomy")
    assert status == 200
    assert [s["code"] for s in body["specialties"]] == [
        "legal",
        "medical",
        "insurance",
        "industry",
        "general",
    ]
    medical = next(s for s in body["specialties"] if s["code"] == "medical")
    assert medical["label_fr"] == "Médical" and medical["label_en"] == "Medical"
    assert len(body["skills"]) >= 10
