"""A small, lived-in marketplace for the page checks, built through the JSON API.

One practice in Lyon with three missions (one open with quotes, one paid and under way,
one finished and reviewed by both), three secretaries, an invitation. Every object is in
a state the product reaches by itself, since the API's own services made it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask

from tests import factories as f
from tests.conftest import ApiClient


@dataclass
class World:
    business: dict[str, Any]
    claire: dict[str, Any]  # has a finished, reviewed contract and one under way
    sophie: dict[str, Any]
    nadia: dict[str, Any]  # invited, no quote yet
    open_mission: dict[str, Any]
    awaiting_contract: dict[str, Any]  # with Sophie, waiting for the business to pay
    funded_contract: dict[str, Any]
    released_contract: dict[str, Any]
    disputed_contract: dict[str, Any]  # with Sophie, delivered then disputed by the business
    operator: dict[str, Any]


def _ok(answer: tuple[int, Any], *codes: int) -> Any:
    status, body = answer
    assert status in (codes or (200, 201)), body
    return body


def _secretary(api: ApiClient, name: str, **profile: Any) -> dict[str, Any]:
    user = f.register(api, "secretary", name)
    _ok(api.put("/api/v1/me/profile", f.secretary_profile(**profile), token=user["token"]))
    return user


def _contract(
    api: ApiClient, business: dict[str, Any], secretary: dict[str, Any], title: str, cents: int
) -> dict[str, Any]:
    mission = f.mission(api, business, title=title, budget_cents=cents + 10_000)
    bid = f.bid(api, secretary, mission["id"], cents)
    return dict(_ok(api.post(f"/api/v1/bids/{bid['id']}/accept", token=business["token"]), 201))


def build(app: Flask) -> World:
    api = ApiClient(app.test_client())
    business = f.register(api, "business", "Dr Martin")
    _ok(api.put("/api/v1/me/profile", f.business_profile(), token=business["token"]))
    claire = _secretary(api, "Claire Dubois")
    sophie = _secretary(
        api,
        "Sophie Laurent",
        headline="Assistante juridique et médicale, Villeurbanne",
        specialties=["medical", "legal"],
        postal_code="69100",
        hourly_rate_cents=3000,
    )
    nadia = _secretary(
        api,
        "Nadia Benali",
        headline="Télésecrétaire médicale, prise de rendez-vous",
        postal_code="38000",
        hourly_rate_cents=2600,
    )

    # Finished: paid, delivered, approved, both reviewed (so the reviews are published).
    released = _contract(api, business, claire, "Accueil téléphonique du cabinet", 45_000)
    path = f"/api/v1/contracts/{released['id']}"
    _ok(api.post(f"{path}/fund", token=business["token"]))
    _ok(api.post(f"{path}/deliver", token=claire["token"]))
    _ok(api.post(f"{path}/approve", token=business["token"]))
    _ok(
        api.post(
            f"{path}/reviews",
            {"rating": 5, "comment": "Patients ravis, agenda toujours à jour."},
            token=business["token"],
        )
    )
    _ok(
        api.post(
            f"{path}/reviews",
            {"rating": 5, "comment": "Consignes claires, paiement rapide."},
            token=claire["token"],
        )
    )

    # Under way: paid into escrow, waiting for her delivery.
    funded = _contract(api, business, claire, "Publipostage des vœux aux patients", 32_050)
    _ok(api.post(f"/api/v1/contracts/{funded['id']}/fund", token=business["token"]))

    # Hired, waiting for the business to pay.
    awaiting = _contract(api, business, sophie, "Saisie des notes d'honoraires", 24_000)

    # Delivered, then disputed: the money stays held until the operator splits it.
    disputed = _contract(api, business, sophie, "Relance des factures impayées", 60_000)
    path = f"/api/v1/contracts/{disputed['id']}"
    _ok(api.post(f"{path}/fund", token=business["token"]))
    _ok(api.post(f"{path}/deliver", token=sophie["token"]))
    _ok(
        api.post(
            f"{path}/dispute",
            {"reason": "La moitié des relances n'a pas été envoyée."},
            token=business["token"],
        )
    )

    # Open, with two quotes and an invitation.
    open_mission = f.mission(api, business)
    f.bid(api, claire, open_mission["id"], 110_000)
    f.bid(api, sophie, open_mission["id"], 118_000)
    _ok(
        api.post(
            f"/api/v1/missions/{open_mission['id']}/invitations",
            {"secretary_id": nadia["id"]},
            token=business["token"],
        )
    )
    return World(
        business,
        claire,
        sophie,
        nadia,
        open_mission,
        awaiting,
        funded,
        released,
        disputed,
        f.operator(api, app),
    )
