"""Authorization matrix: every endpoint, every kind of caller.

Callers: anonymous, the business that owns the mission/contract, another business, the
secretary party to it, another secretary, and an operator. Denials come first; the one caller
allowed to change state goes last, so each row needs a single fresh world.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from tests import factories as f

ANON, OWNER, OTHER_BIZ, PARTY_SEC, OTHER_SEC, OPERATOR = (
    "anonymous",
    "owner",
    "other_business",
    "party_secretary",
    "other_secretary",
    "operator",
)
CALLERS = (ANON, OTHER_BIZ, OTHER_SEC, OPERATOR, PARTY_SEC, OWNER)


@dataclass
class World:
    tokens: dict[str, str | None]
    ids: dict[str, str]


def build_world(api: Any, app: Any, contract_status: str) -> World:
    """The people, missions and quote are factory rows; the contract walks through the API."""
    rows = f.Rows(app)
    deal = f.Deal(api)
    if contract_status:
        deal.to(contract_status)
    open_mission = rows.mission(deal.business, title="Accueil téléphonique du cabinet")
    confidential = rows.mission(deal.business, title="Dossiers sensibles", confidential=True)
    pending_bid = rows.bid(deal.secretary, open_mission["id"])
    other_biz = rows.business()
    other_sec = rows.secretary()
    op = f.operator(api, app)
    tokens = {
        ANON: None,
        OWNER: deal.business["token"],
        OTHER_BIZ: other_biz["token"],
        PARTY_SEC: deal.secretary["token"],
        OTHER_SEC: other_sec["token"],
        OPERATOR: op["token"],
    }
    ids = {
        "business": deal.business["id"],
        "secretary": deal.secretary["id"],
        "hired_mission": deal.mission["id"],
        "open_mission": open_mission["id"],
        "confidential_mission": confidential["id"],
        "pending_bid": pending_bid["id"],
        "contract": deal.contract.get("id", ""),
    }
    return World(tokens, ids)


@dataclass
class Row:
    name: str
    method: str
    path: str
    expected: dict[str, int]
    contract_status: str = "funded"
    payload: Callable[[World], Any] | None = None


def everyone(code: int) -> dict[str, int]:
    return dict.fromkeys(CALLERS, code)


PARTIES_AND_OPERATOR = {
    ANON: 401,
    OTHER_BIZ: 404,
    OTHER_SEC: 404,
    OPERATOR: 200,
    PARTY_SEC: 200,
    OWNER: 200,
}

ROWS = [
    Row("me", "GET", "/api/v1/me", everyone(200) | {ANON: 401}),
    Row("my profile", "GET", "/api/v1/me/profile", everyone(200) | {ANON: 401, OPERATOR: 403}),
    Row(
        "put profile denied",
        "PUT",
        "/api/v1/me/profile",
        {ANON: 401, OPERATOR: 403},
        payload=lambda w: f.business_profile(),
    ),
    Row("revoke token", "DELETE", "/api/v1/auth/token", {ANON: 401, OWNER: 204}),
    Row("taxonomy", "GET", "/api/v1/taxonomy", everyone(200)),
    Row("public secretary", "GET", "/api/v1/secretaries/{secretary}", everyone(200)),
    Row("secretary reviews", "GET", "/api/v1/secretaries/{secretary}/reviews", everyone(200)),
    Row("business reviews", "GET", "/api/v1/businesses/{business}/reviews", everyone(200)),
    Row(
        "post mission",
        "POST",
        "/api/v1/missions",
        {ANON: 401, PARTY_SEC: 403, OTHER_SEC: 403, OPERATOR: 403, OWNER: 201},
        payload=lambda w: f.mission_payload(),
    ),
    Row("list missions", "GET", "/api/v1/missions", everyone(200)),
    Row(
        "my missions",
        "GET",
        "/api/v1/missions?mine=true",
        {ANON: 401, PARTY_SEC: 403, OTHER_SEC: 403, OPERATOR: 403, OTHER_BIZ: 200, OWNER: 200},
    ),
    Row("open mission", "GET", "/api/v1/missions/{open_mission}", everyone(200)),
    Row(
        "hired mission",
        "GET",
        "/api/v1/missions/{hired_mission}",
        {ANON: 404, OTHER_BIZ: 404, OTHER_SEC: 404, OPERATOR: 200, PARTY_SEC: 200, OWNER: 200},
    ),
    Row(
        "patch mission",
        "PATCH",
        "/api/v1/missions/{open_mission}",
        {ANON: 401, OTHER_BIZ: 404, PARTY_SEC: 403, OTHER_SEC: 403, OPERATOR: 403, OWNER: 200},
        payload=lambda w: {"urgent": True},
    ),
    Row(
        "close mission",
        "POST",
        "/api/v1/missions/{open_mission}/close",
        {ANON: 401, OTHER_BIZ: 404, PARTY_SEC: 403, OTHER_SEC: 403, OPERATOR: 403, OWNER: 200},
    ),
    Row(
        "list invitations",
        "GET",
        "/api/v1/missions/{open_mission}/invitations",
        {ANON: 401, OTHER_BIZ: 404, PARTY_SEC: 403, OTHER_SEC: 403, OPERATOR: 403, OWNER: 200},
    ),
    Row(
        "invite",
        "POST",
        "/api/v1/missions/{open_mission}/invitations",
        {ANON: 401, OTHER_BIZ: 404, PARTY_SEC: 403, OTHER_SEC: 403, OPERATOR: 403, OWNER: 201},
        payload=lambda w: {"secretary_id": w.ids["secretary"]},
    ),
    Row(
        "accept nda",
        "POST",
        "/api/v1/missions/{confidential_mission}/nda",
        {ANON: 401, OWNER: 403, OTHER_BIZ: 403, OPERATOR: 403, OTHER_SEC: 200, PARTY_SEC: 200},
    ),
    Row(
        "my invitations",
        "GET",
        "/api/v1/me/invitations",
        {ANON: 401, OWNER: 403, OTHER_BIZ: 403, OPERATOR: 403, OTHER_SEC: 200, PARTY_SEC: 200},
    ),
    Row(
        "list bids",
        "GET",
        "/api/v1/missions/{open_mission}/bids",
        {ANON: 401, OTHER_BIZ: 404, OTHER_SEC: 200, OPERATOR: 200, PARTY_SEC: 200, OWNER: 200},
    ),
    Row(
        "place bid",
        "POST",
        "/api/v1/missions/{open_mission}/bids",
        {ANON: 401, OWNER: 403, OTHER_BIZ: 403, OPERATOR: 403, OTHER_SEC: 201},
        payload=lambda w: {"amount_cents": 50_000},
    ),
    Row(
        "my bids",
        "GET",
        "/api/v1/me/bids",
        {ANON: 401, OWNER: 403, OTHER_BIZ: 403, OPERATOR: 403, OTHER_SEC: 200, PARTY_SEC: 200},
    ),
    Row(
        "get bid",
        "GET",
        "/api/v1/bids/{pending_bid}",
        {ANON: 401, OTHER_BIZ: 404, OTHER_SEC: 404, OPERATOR: 200, PARTY_SEC: 200, OWNER: 200},
    ),
    Row(
        "withdraw bid",
        "POST",
        "/api/v1/bids/{pending_bid}/withdraw",
        {ANON: 401, OWNER: 403, OTHER_BIZ: 403, OPERATOR: 403, OTHER_SEC: 404, PARTY_SEC: 200},
    ),
    Row(
        "accept bid",
        "POST",
        "/api/v1/bids/{pending_bid}/accept",
        {ANON: 401, OTHER_BIZ: 404, PARTY_SEC: 403, OTHER_SEC: 403, OPERATOR: 403, OWNER: 201},
    ),
    Row("list contracts", "GET", "/api/v1/contracts", everyone(200) | {ANON: 401}),
    Row("get contract", "GET", "/api/v1/contracts/{contract}", PARTIES_AND_OPERATOR),
    Row("contract events", "GET", "/api/v1/contracts/{contract}/events", PARTIES_AND_OPERATOR),
    Row("contract ledger", "GET", "/api/v1/contracts/{contract}/ledger", PARTIES_AND_OPERATOR),
    Row(
        "fund",
        "POST",
        "/api/v1/contracts/{contract}/fund",
        {ANON: 401, OTHER_BIZ: 404, OTHER_SEC: 404, PARTY_SEC: 403, OPERATOR: 403, OWNER: 200},
        contract_status="awaiting_funding",
    ),
    Row(
        "deliver",
        "POST",
        "/api/v1/contracts/{contract}/deliver",
        {ANON: 401, OTHER_BIZ: 404, OTHER_SEC: 404, OWNER: 403, OPERATOR: 403, PARTY_SEC: 200},
    ),
    Row(
        "approve",
        "POST",
        "/api/v1/contracts/{contract}/approve",
        {ANON: 401, OTHER_BIZ: 404, OTHER_SEC: 404, PARTY_SEC: 403, OPERATOR: 403, OWNER: 200},
        contract_status="delivered",
    ),
    Row(
        "cancel",
        "POST",
        "/api/v1/contracts/{contract}/cancel",
        {ANON: 401, OTHER_BIZ: 404, OTHER_SEC: 404, OPERATOR: 403, PARTY_SEC: 200},
        contract_status="awaiting_funding",
    ),
    Row(
        "dispute",
        "POST",
        "/api/v1/contracts/{contract}/dispute",
        {ANON: 401, OTHER_BIZ: 404, OTHER_SEC: 404, OPERATOR: 403, OWNER: 200},
        payload=lambda w: {"reason": "Travail non conforme au devis."},
    ),
    Row(
        # Only her: a business or an operator by role, another secretary by the contract; the
        # party secretary reaches the invoice lookup (an unknown invoice is a 404 too).
        "credit note",
        "POST",
        "/api/v1/contracts/{contract}/credit-notes",
        {ANON: 401, OWNER: 403, OTHER_BIZ: 403, OPERATOR: 403, OTHER_SEC: 404, PARTY_SEC: 404},
        contract_status="released",
        payload=lambda w: {
            "invoice_id": "00000000-0000-4000-8000-000000000000",
            "amount_cents": 100,
            "reason": "Essai",
        },
    ),
    Row(
        "admin list",
        "GET",
        "/api/v1/admin/contracts?status=disputed",
        {ANON: 401, OWNER: 403, OTHER_BIZ: 403, PARTY_SEC: 403, OTHER_SEC: 403, OPERATOR: 200},
    ),
    Row(
        "money by month",
        "GET",
        "/api/v1/admin/money?from=2026-01&to=2026-12",
        {ANON: 401, OWNER: 403, OTHER_BIZ: 403, PARTY_SEC: 403, OTHER_SEC: 403, OPERATOR: 200},
    ),
    Row(
        "resolve",
        "POST",
        "/api/v1/admin/contracts/{contract}/resolve",
        {ANON: 401, OWNER: 403, OTHER_BIZ: 403, PARTY_SEC: 403, OTHER_SEC: 403, OPERATOR: 200},
        contract_status="disputed",
        payload=lambda w: {"release_cents": 60_000, "refund_cents": 50_000},
    ),
    Row(
        "post review",
        "POST",
        "/api/v1/contracts/{contract}/reviews",
        {ANON: 401, OTHER_BIZ: 404, OTHER_SEC: 404, OPERATOR: 403, PARTY_SEC: 201, OWNER: 201},
        contract_status="released",
        payload=lambda w: {"rating": 5, "comment": "Très bien"},
    ),
    Row(
        "contract reviews",
        "GET",
        "/api/v1/contracts/{contract}/reviews",
        PARTIES_AND_OPERATOR,
        contract_status="released",
    ),
    Row(
        "saved searches",
        "GET",
        "/api/v1/saved-searches",
        everyone(200) | {ANON: 401, OPERATOR: 403},
    ),
    Row(
        "save a search of secretaries",
        "POST",
        "/api/v1/saved-searches",
        {ANON: 401, OPERATOR: 403, OTHER_SEC: 422, PARTY_SEC: 422, OTHER_BIZ: 201, OWNER: 201},
        payload=lambda w: {"kind": "secretaries", "criteria": {"specialty": "medical"}},
    ),
    Row(
        "delete an unknown saved search",
        "DELETE",
        "/api/v1/saved-searches/00000000-0000-4000-8000-000000000000",
        {ANON: 401, OPERATOR: 403, OTHER_SEC: 404, OWNER: 404},
    ),
]


@pytest.mark.parametrize("row", ROWS, ids=[r.name for r in ROWS])
def test_authorization_matrix(api, app, row: Row) -> None:
    world = build_world(api, app, row.contract_status)
    path = row.path.format(**world.ids)
    payload = row.payload(world) if row.payload else ({} if row.method != "GET" else None)
    seen = {}
    for caller in CALLERS:
        if caller not in row.expected:
            continue
        status, body = api.call(row.method, path, json=payload, token=world.tokens[caller])
        seen[caller] = status
        if status >= 400:
            assert isinstance(body, dict) and body.get("message"), (caller, body)
    assert seen == row.expected


def test_unknown_ids_are_404_for_everyone(api, app) -> None:
    world = build_world(api, app, "funded")
    missing = "00000000-0000-4000-8000-000000000000"
    for path in (
        f"/api/v1/contracts/{missing}",
        f"/api/v1/missions/{missing}",
        f"/api/v1/bids/{missing}",
        f"/api/v1/secretaries/{missing}",
    ):
        for caller in (OWNER, PARTY_SEC, OPERATOR):
            status, _ = api.get(path, token=world.tokens[caller])
            assert status == 404, (path, caller)


def test_a_business_id_is_not_a_secretary_profile(api, app) -> None:
    world = build_world(api, app, "")
    status, _ = api.get(f"/api/v1/secretaries/{world.ids['business']}")
    assert status == 404
