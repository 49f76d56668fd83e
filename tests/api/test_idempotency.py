from __future__ import annotations

from tests import factories as f


def test_a_retried_post_with_the_same_key_creates_one_mission(api) -> None:
    owner = f.business(api)
    headers = {"Idempotency-Key": "mission-2026-11-27-001"}
    first = api.call(
        "POST",
        "/api/v1/missions",
        json=f.mission_payload(),
        token=owner["token"],
        headers=dict(headers),
    )
    again = api.client.post(
        "/api/v1/missions",
        json=f.mission_payload(),
        headers=headers | {"Authorization": f"Bearer {owner['token']}"},
    )
    assert first[0] == 201 and again.status_code == 201
    assert again.get_json()["id"] == first[1]["id"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert api.get("/api/v1/missions?mine=true", token=owner["token"])[1]["total"] == 1


def test_the_same_key_with_another_body_is_refused(api) -> None:
    owner = f.business(api)
    headers = {"Idempotency-Key": "k-1"}
    assert (
        api.call(
            "POST",
            "/api/v1/missions",
            json=f.mission_payload(),
            token=owner["token"],
            headers=dict(headers),
        )[0]
        == 201
    )
    status, body = api.call(
        "POST",
        "/api/v1/missions",
        json=f.mission_payload(title="Autre"),
        token=owner["token"],
        headers=dict(headers),
    )
    assert status == 422 and "Idempotency-Key" in body["errors"]["json"]


def test_a_refused_request_does_not_burn_the_key(api) -> None:
    owner = f.business(api)
    headers = {"Idempotency-Key": "k-2"}
    bad = f.mission_payload(postal_code="00000")
    assert (
        api.call("POST", "/api/v1/missions", json=bad, token=owner["token"], headers=dict(headers))[
            0
        ]
        == 422
    )
    # Same key, same (bad) body: evaluated again, still refused, nothing stored.
    assert (
        api.call("POST", "/api/v1/missions", json=bad, token=owner["token"], headers=dict(headers))[
            0
        ]
        == 422
    )


def test_keys_belong_to_their_caller(api) -> None:
    one, two = f.business(api), f.business(api)
    headers = {"Idempotency-Key": "shared"}
    a = api.call(
        "POST",
        "/api/v1/missions",
        json=f.mission_payload(),
        token=one["token"],
        headers=dict(headers),
    )
    b = api.call(
        "POST",
        "/api/v1/missions",
        json=f.mission_payload(),
        token=two["token"],
        headers=dict(headers),
    )
    assert a[0] == b[0] == 201 and a[1]["id"] != b[1]["id"]
