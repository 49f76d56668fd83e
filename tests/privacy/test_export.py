"""GET /api/v1/me/export: a ZIP with data.json and her files, nothing private of others."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from flask import Flask

from tests import factories as f
from tests.conversations import files
from tests.conversations.steps import open_thread, say, upload


def _export(api: Any, who: dict[str, Any]) -> tuple[zipfile.ZipFile, dict[str, Any], bytes]:
    response = api.client.get(
        "/api/v1/me/export", headers={"Authorization": f"Bearer {who['token']}"}
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    raw = response.get_data()
    response.close()
    archive = zipfile.ZipFile(io.BytesIO(raw))
    return archive, json.loads(archive.read("data.json")), archive.read("data.json")


def _released_deal_with_files(api: Any, *others: dict[str, Any]) -> tuple[f.Deal, str, str]:
    """A released contract whose conversation has a file each way; each of `others` (a
    secretary) asked the business a question about the mission before it was hired."""
    deal = f.Deal(api)
    for other in others:
        status, thread = open_thread(api, other, deal.mission["id"])
        assert status == 201, thread
        say(api, other, thread["id"], "Une question d'une autre secrétaire.")
    status, thread = open_thread(api, deal.secretary, deal.mission["id"])
    assert status == 201, thread
    status, sent = upload(api, deal.secretary, "devis détaillé.pdf", files.pdf("Devis"))
    assert status == 201, sent
    say(api, deal.secretary, thread["id"], "Voici mon devis.", sent["id"])
    status, received = upload(api, deal.business, "dictées.pdf", files.pdf("Dictees"))
    assert status == 201, received
    say(api, deal.business, thread["id"], "Merci, voici les dictées.", received["id"])
    deal.to("released")
    return deal, str(thread["id"]), str(received["id"])


def test_export_holds_her_data_her_files_and_her_invoices(api) -> None:
    deal, thread_id, received_id = _released_deal_with_files(api)
    archive, data, _raw = _export(api, deal.secretary)

    assert data["account"]["email"] == deal.secretary["email"]
    assert "password_hash" not in data["account"]
    assert data["profile"]["headline"]
    assert [b["id"] for b in data["bids"]] == [deal.bid["id"]]
    [contract] = data["contracts"]
    assert contract["id"] == deal.contract_id and contract["status"] == "released"
    assert [e["to_status"] for e in contract["events"]][-1] == "released"
    assert sum(leg["amount_cents"] for leg in contract["ledger"]) == 0
    assert contract["business"]["display_name"]
    [conversation] = data["conversations"]
    assert conversation["id"] == thread_id
    bodies = [m["body"] for m in conversation["messages"]]
    assert "Voici mon devis." in bodies and "Merci, voici les dictées." in bodies
    # Her invoices: the service invoice she issued, the platform's commission invoice.
    assert {i["kind"] for i in data["invoices"]} == {"service", "commission"}

    names = set(archive.namelist())
    attachment_files = {n for n in names if n.startswith("files/attachments/")}
    assert len(attachment_files) == 2  # the one she sent and the one she received
    received = next(
        n for n in attachment_files if n.startswith(f"files/attachments/{received_id[:8]}")
    )
    assert received.endswith("dictées.pdf")
    assert archive.read(received) == files.pdf("Dictees")
    invoice_files = [n for n in names if n.startswith("files/invoices/")]
    assert len(invoice_files) == 2
    assert all(archive.read(n).startswith(b"%PDF") for n in invoice_files)
    for invoice in data["invoices"]:
        assert invoice["file"] in names


def test_export_never_holds_other_peoples_email_or_their_other_threads(api) -> None:
    other = f.Rows(api.client.application).secretary()
    deal, _thread_id, _file = _released_deal_with_files(api, other)

    for me, them in ((deal.secretary, deal.business), (deal.business, deal.secretary)):
        archive, _data, raw = _export(api, me)
        text = raw.decode()
        assert them["email"] not in text
        assert other["email"] not in text
        assert me["email"] in text
        for name in archive.namelist():
            if name != "data.json" and not name.endswith(".pdf"):
                assert them["email"].encode() not in archive.read(name)
    # The secretary does not see the other secretary's thread; the business sees both.
    _archive, secretary_data, raw = _export(api, deal.secretary)
    assert "Une question d'une autre secrétaire." not in raw.decode()
    assert len(secretary_data["conversations"]) == 1
    _archive, business_data, _raw = _export(api, deal.business)
    assert len(business_data["conversations"]) == 2


def test_export_needs_a_signed_in_caller(api) -> None:
    status, _body = api.get("/api/v1/me/export")
    assert status == 401


def test_export_is_throttled(app: Flask, database_url: str, tmp_path_factory) -> None:
    from tests.conftest import ApiClient, make_app

    throttled = make_app(database_url, tmp_path_factory, RATELIMIT_ENABLED="true")
    api = ApiClient(throttled.test_client())
    me = f.register(api, "secretary")
    headers = {"Authorization": f"Bearer {me['token']}"}
    for _ in range(5):
        response = api.client.get("/api/v1/me/export", headers=headers)
        assert response.status_code == 200
        response.close()
    response = api.client.get("/api/v1/me/export", headers=headers)
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert response.get_json()["error"] == "too_many_attempts"


def test_a_large_export_is_streamed_from_disk(api, monkeypatch) -> None:
    from marketplace.privacy import export

    monkeypatch.setattr(export, "SPOOL_BYTES", 64)  # every archive is "large"
    deal, _thread_id, received_id = _released_deal_with_files(api)
    archive, data, _raw = _export(api, deal.secretary)
    assert data["contracts"][0]["id"] == deal.contract_id
    assert any(n.startswith(f"files/attachments/{received_id[:8]}") for n in archive.namelist())
