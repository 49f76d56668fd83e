"""A small, lived-in marketplace for the page checks.

One practice in Lyon with three missions (one open with quotes, one paid and under way,
one finished and reviewed by both), three secretaries, an invitation. The people, their
profiles, the missions and the quotes are factory rows (tests/factories.py `Rows`); every
move after that (hiring, paying, delivering, reviewing, disputing, inviting) goes through
the JSON API, so each object is in a state the product reaches by itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask

from tests import factories as f
from tests.conftest import ApiClient
from tests.conversations.steps import message_with_file


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
    funded_thread: dict[str, Any]  # Claire's conversation on the funded contract, with a PDF
    disputed_thread: dict[str, Any]  # Sophie's on the disputed one (the operator may read it)


def _ok(answer: tuple[int, Any], *codes: int) -> Any:
    status, body = answer
    assert status in (codes or (200, 201)), body
    return body


def _contract(
    rows: f.Rows,
    api: ApiClient,
    business: dict[str, Any],
    secretary: dict[str, Any],
    title: str,
    cents: int,
) -> dict[str, Any]:
    mission = rows.mission(business, title=title, budget_cents=cents + 10_000)
    bid = rows.bid(secretary, mission["id"], cents)
    contract = dict(_ok(api.post(f"/api/v1/bids/{bid['id']}/accept", token=business["token"]), 201))
    f.accept_agreement(api, contract["id"], secretary)  # she accepts the written agreement
    return contract


def build(app: Flask) -> World:
    api = ApiClient(app.test_client())
    rows = f.Rows(app)
    business = rows.business("Dr Martin")
    claire = rows.secretary("Claire Dubois")
    sophie = rows.secretary(
        "Sophie Laurent",
        headline="Assistante juridique et médicale, Villeurbanne",
        specialties=["medical", "legal"],
        postal_code="69100",
        hourly_rate_cents=3000,
    )
    nadia = rows.secretary(
        "Nadia Benali",
        headline="Télésecrétaire médicale, prise de rendez-vous",
        postal_code="38000",
        hourly_rate_cents=2600,
    )

    # Finished: paid, delivered, approved, both reviewed (so the reviews are published).
    released = _contract(rows, api, business, claire, "Accueil téléphonique du cabinet", 45_000)
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
    funded = _contract(rows, api, business, claire, "Publipostage des vœux aux patients", 32_050)
    _ok(api.post(f"/api/v1/contracts/{funded['id']}/fund", token=business["token"]))

    # Hired, waiting for the business to pay.
    awaiting = _contract(rows, api, business, sophie, "Saisie des notes d'honoraires", 24_000)

    # Delivered, then disputed: the money stays held until the operator splits it.
    disputed = _contract(rows, api, business, sophie, "Relance des factures impayées", 60_000)
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
    open_mission = rows.mission(business)
    rows.bid(claire, open_mission["id"], 110_000)
    rows.bid(sophie, open_mission["id"], 118_000)
    _ok(
        api.post(
            f"/api/v1/missions/{open_mission['id']}/invitations",
            {"secretary_id": nadia["id"]},
            token=business["token"],
        )
    )
    # Conversations: a question and an answer with a PDF; the disputed pair talked too.
    funded_thread = _ok(
        api.post(f"/api/v1/missions/{funded['mission_id']}/conversations", token=claire["token"]),
        201,
    )
    _ok(
        api.post(
            f"/api/v1/conversations/{funded_thread['id']}/messages",
            {"body": "Le fichier des adresses est-il à jour ?"},
            token=claire["token"],
        ),
        201,
    )
    message_with_file(api, business, funded_thread["id"])
    disputed_thread = _ok(
        api.post(f"/api/v1/missions/{disputed['mission_id']}/conversations", token=sophie["token"]),
        201,
    )
    message_with_file(api, sophie, disputed_thread["id"])
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
        funded_thread,
        disputed_thread,
    )
