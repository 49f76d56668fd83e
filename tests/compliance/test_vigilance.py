"""Obligation de vigilance: from 5,000 € HT a contract needs the secretary's URSSAF
attestation (< 6 months); funding is refused (409 naming it) while it is missing or
expired, and goes through once a valid one is uploaded; both parties see the status; she
is reminded a month before it expires."""

from __future__ import annotations

import io
import uuid
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask import Flask
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from marketplace.compliance import vigilance
from marketplace.compliance.models import VigilanceDocument
from marketplace.extensions import db
from marketplace.notifications.models import Notification
from tests import factories as f
from tests.conftest import ApiClient
from tests.conversations import files
from tests.payments.helpers import assert_balanced
from tests.web.browser import Browser
from tests.web.steps import sign_in

BIG = 500_000  # 5,000.00 €: the threshold itself


def upload(
    api: ApiClient,
    who: dict[str, Any],
    *,
    issued_on: date | str | None = None,
    security_code: str = "ABCD1234EFGH567",
    data: bytes | None = None,
    name: str = "attestation.pdf",
) -> tuple[int, Any]:
    fields: dict[str, Any] = {
        "file": FileStorage(io.BytesIO(data or files.pdf("Attestation de vigilance")), name),
        "security_code": security_code,
    }
    if issued_on is not None:
        fields["issued_on"] = str(issued_on)
    boundary, body = encode_multipart(MultiDict(fields))
    with api.client.post(
        "/api/v1/me/vigilance-documents",
        data=body,
        headers={"Authorization": f"Bearer {who['token']}"},
        content_type=f"multipart/form-data; boundary={boundary}",
    ) as response:
        assert response.status_code < 500, response.get_data(as_text=True)
        return response.status_code, response.get_json(silent=True)


def status(api: ApiClient, deal: f.Deal, who: str = "business") -> dict[str, Any]:
    code, body = api.get(
        f"/api/v1/contracts/{deal.contract_id}/vigilance", token=getattr(deal, who)["token"]
    )
    assert code == 200, body
    return dict(body)


def test_a_contract_under_5000_euros_needs_nothing(api: ApiClient) -> None:
    deal = f.Deal(api, BIG - 1).hire()
    assert status(api, deal) == {
        "required": False,
        "total_excl_tax_cents": BIG - 1,
        "document": None,
        "status": "not_required",
    }
    code, body = deal.act("fund", "business")
    assert code == 200 and body["status"] == "funded", body


def test_funding_from_5000_euros_waits_for_a_valid_attestation(api: ApiClient, app: Flask) -> None:
    deal = f.Deal(api, BIG).hire()
    assert status(api, deal, "secretary") == {
        "required": True,
        "total_excl_tax_cents": BIG,
        "document": None,
        "status": "missing",
    }
    code, body = deal.act("fund", "business")
    assert code == 409 and body["error"] == "vigilance_document_missing", body
    assert "attestation de vigilance URSSAF" in body["message"]
    code, contract = api.get(f"/api/v1/contracts/{deal.contract_id}", token=deal.business["token"])
    assert contract["status"] == "awaiting_funding"
    assert_balanced(deal, 0)
    # she was asked for it when hired
    code, listed = api.get("/api/v1/notifications", token=deal.secretary["token"])
    [asked] = [n for n in listed["results"] if n["kind"] == "document_requested"]
    assert "attestation de vigilance URSSAF" in asked["body"]
    assert asked["url"] == "/attestation-vigilance"

    issued = date.today() - timedelta(days=10)
    code, document = upload(api, deal.secretary, issued_on=issued)
    assert code == 201, document
    assert document["issued_on"] == issued.isoformat()
    assert document["expires_on"] == vigilance.add_months(issued, 6).isoformat()
    assert document["security_code"] == "ABCD1234EFGH567"
    assert document["content_type"] == "application/pdf"
    state = status(api, deal)
    assert state["status"] == "valid" and state["required"] is True
    assert state["document"] == {
        "id": document["id"],
        "issued_on": document["issued_on"],
        "expires_on": document["expires_on"],
    }
    code, body = deal.act("fund", "business")
    assert code == 200 and body["status"] == "funded", body
    # the business gets the attestation itself
    with api.client.get(
        f"/api/v1/contracts/{deal.contract_id}/vigilance/document",
        headers={"Authorization": f"Bearer {deal.business['token']}"},
    ) as response:
        assert response.status_code == 200 and response.data.startswith(b"%PDF")
        assert response.headers["Cache-Control"] == "private, no-store"


def test_an_expired_attestation_blocks_funding_again(api: ApiClient, app: Flask) -> None:
    deal = f.Deal(api, 750_000).hire()
    code, document = upload(api, deal.secretary, issued_on=date.today() - timedelta(days=30))
    assert code == 201
    with app.app_context():  # six months later: it has expired
        db.session.execute(
            sa.update(VigilanceDocument)
            .where(VigilanceDocument.id == uuid.UUID(document["id"]))
            .values(expires_on=date.today())
        )
        db.session.commit()
    assert status(api, deal)["status"] == "expired"
    code, body = deal.act("fund", "business")
    assert code == 409 and body["error"] == "vigilance_document_expired", body
    assert "a expiré le" in body["message"]
    assert upload(api, deal.secretary, issued_on=date.today())[0] == 201
    assert status(api, deal)["status"] == "valid"
    assert deal.act("fund", "business")[0] == 200


def test_an_upload_is_checked(api: ApiClient, app: Flask) -> None:
    sec = f.Rows(app).secretary()
    today = date.today()
    for kwargs, field, location in (
        ({"issued_on": today + timedelta(days=1)}, "issued_on", "form"),
        ({"issued_on": vigilance.add_months(today, -6)}, "issued_on", "form"),
        ({"issued_on": None}, "issued_on", "form"),
        ({"issued_on": "hier"}, "issued_on", "form"),
        ({"issued_on": today, "security_code": "a-b"}, "security_code", "form"),
        ({"issued_on": today, "data": files.docx(), "name": "a.docx"}, "file", "files"),
        ({"issued_on": today, "data": files.ELF, "name": "a.pdf"}, "file", "files"),
    ):
        code, body = upload(api, sec, **kwargs)
        assert code == 422, (kwargs, body)
        assert field in body["errors"][location], (kwargs, body)
    code, listed = api.get("/api/v1/me/vigilance-documents", token=sec["token"])
    assert (code, listed) == (200, [])


def test_only_a_secretary_uploads_and_only_the_parties_see_a_contract(
    api: ApiClient, app: Flask
) -> None:
    deal = f.Deal(api, BIG).hire()
    assert upload(api, deal.business, issued_on=date.today())[0] == 403
    assert api.get("/api/v1/me/vigilance-documents", token=deal.business["token"])[0] == 403
    stranger = f.Rows(app).business()
    other = f.Rows(app).secretary()
    for who in (stranger, other):
        path = f"/api/v1/contracts/{deal.contract_id}/vigilance"
        assert api.get(path, token=who["token"])[0] == 404
        assert api.get(f"{path}/document", token=who["token"])[0] == 404
    assert api.get(f"/api/v1/contracts/{deal.contract_id}/vigilance")[0] == 401
    operator = f.operator(api, app)
    assert (
        api.get(f"/api/v1/contracts/{deal.contract_id}/vigilance", token=operator["token"])[0]
        == 200
    )
    # no document yet: 404 for the parties too
    assert (
        api.get(
            f"/api/v1/contracts/{deal.contract_id}/vigilance/document", token=deal.business["token"]
        )[0]
        == 404
    )


def test_she_is_reminded_once_a_month_before_it_expires(api: ApiClient, app: Flask) -> None:
    sec = f.Rows(app).secretary()
    issued = date.today() - timedelta(days=20)
    code, document = upload(api, sec, issued_on=issued)
    assert code == 201
    expires = date.fromisoformat(document["expires_on"])
    with app.app_context():
        assert vigilance.remind_expiring(expires - timedelta(days=31)) == 0
        assert vigilance.remind_expiring(expires - timedelta(days=30)) == 1
        assert vigilance.remind_expiring(expires - timedelta(days=29)) == 1  # told once
        assert vigilance.remind_expiring(expires) == 0  # expired: the contract page says so
        count = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Notification)
            .where(
                Notification.user_id == uuid.UUID(sec["id"]),
                Notification.kind == "document_requested",
            )
        )
        assert count == 1
    code, listed = api.get("/api/v1/notifications", token=sec["token"])
    [reminder] = listed["results"]
    assert reminder["title"] == "Attestation de vigilance URSSAF demandée"
    assert "expire le" in reminder["body"]
    # a newer attestation is reminded on its own
    assert upload(api, sec, issued_on=date.today())[0] == 201
    with app.app_context():
        assert vigilance.remind_expiring(expires - timedelta(days=29)) == 0


def test_both_parties_see_the_status_on_the_contract_page(api: ApiClient, app: Flask) -> None:
    deal = f.Deal(api, BIG).hire()
    business, secretary = Browser(app.test_client()), Browser(app.test_client())
    sign_in(business, deal.business["email"], f.PASSWORD)
    sign_in(secretary, deal.secretary["email"], f.PASSWORD)
    path = f"/contrats/{deal.contract_id}"
    assert "Le paiement en séquestre est bloqué" in business.get(path)
    page = secretary.get(path)
    assert "Le client ne peut pas payer ce contrat" in page
    assert 'href="/attestation-vigilance"' in page.html

    # the business tries anyway: told why, nothing paid
    confirm = business.get(f"{path}/payer")
    page = business.submit(confirm, {}, action=f"{path}/payer")
    assert any("attestation de vigilance URSSAF" in text for text in page.flashes()), page

    # she uploads it from her page
    form = secretary.get("/attestation-vigilance").form("/attestation-vigilance")
    response = secretary.client.post(
        "/attestation-vigilance",
        data={
            "csrf_token": form.csrf_token,
            "issued_on": date.today().isoformat(),
            "security_code": "ZXCV0987ASDF12",
            "file": (io.BytesIO(files.pdf("Attestation")), "attestation.pdf"),
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert response.status_code == 200
    page = secretary.get("/attestation-vigilance")
    assert "Attestation à jour" in page
    for browser in (business, secretary):
        page = browser.get(path)
        assert "Attestation à jour" in page
        assert f'href="{path}/attestation-vigilance"' in page.html
    with business.client.get(f"{path}/attestation-vigilance") as download:
        assert download.status_code == 200 and download.data.startswith(b"%PDF")

    # a wrong form is shown again with its errors
    response = secretary.client.post(
        "/attestation-vigilance",
        data={"csrf_token": form.csrf_token, "issued_on": "", "security_code": ""},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
