"""The conversation pages with the test client: the composer keeps the text of a refused
message, links to files are the reader's own and expire, the inbox and the header count,
and the entry points (mission page, quote, ranked card, contract page)."""

from __future__ import annotations

import io
import re
import time
from typing import Any

from flask import Flask
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from marketplace.conversations import services
from tests import factories as f
from tests.conversations import files
from tests.conversations.steps import open_thread, say, upload
from tests.web.browser import Browser
from tests.web.steps import sign_in


def _browser(app: Flask, who: dict[str, Any]) -> Browser:
    browser = Browser(app.test_client())
    sign_in(browser, who["email"])
    return browser


def _csrf(browser: Browser, path: str) -> str:
    token = browser.get(path).form(path).csrf_token
    assert token
    return token


def test_a_refused_file_keeps_the_text_and_says_why(api, app: Flask) -> None:
    deal = f.Deal(api)
    _, thread = open_thread(api, deal.secretary, deal.mission["id"])
    browser = _browser(app, deal.business)
    path = f"/messages/{thread['id']}"
    draft = "Voici le programme, merci de le lancer."
    response = browser.client.post(
        path,
        data={
            "csrf_token": _csrf(browser, path),
            "body": draft,
            "files": (io.BytesIO(files.ELF), "programme.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert draft in page  # the composer still holds it
    assert 'id="composer-error"' in page
    _, listed = api.get(
        f"/api/v1/conversations/{thread['id']}/messages", token=deal.business["token"]
    )
    assert listed["total"] == 0  # nothing was sent

    response = browser.client.post(
        path,
        data={
            "csrf_token": _csrf(browser, path),
            "body": "Le planning, ci-joint.",
            "files": (io.BytesIO(files.pdf("Planning")), "planning.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    _, listed = api.get(
        f"/api/v1/conversations/{thread['id']}/messages", token=deal.business["token"]
    )
    [message] = listed["results"]
    assert [a["filename"] for a in message["attachments"]] == ["planning.pdf"]


def test_download_links_are_the_readers_own_and_expire(api, app: Flask) -> None:
    deal = f.Deal(api)
    _, thread = open_thread(api, deal.secretary, deal.mission["id"])
    _, sent = upload(api, deal.business, "consignes.pdf", files.pdf())
    say(api, deal.business, thread["id"], "Les consignes.", sent["id"])
    secretary = _browser(app, deal.secretary)
    page = secretary.get(f"/messages/{thread['id']}")
    [link] = re.findall(r'href="(/fichiers/[^"]+)"', page.html)
    with secretary.client.get(link) as response:
        assert response.status_code == 200
        assert response.headers["Content-Disposition"].startswith("attachment;")
        assert response.data == files.pdf()
    # Her link does not work for anyone else, even a party.
    owner = _browser(app, deal.business)
    assert owner.get(link, expect=None).status == 404

    # A link signed more than LINK_MAX_AGE ago is refused with a clear page.
    class SignedLongAgo(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time() - services.LINK_MAX_AGE.total_seconds() - 60)

    old = URLSafeTimedSerializer(
        app.config["SECRET_KEY"], salt="attachment-download", signer=SignedLongAgo
    ).dumps({"a": sent["id"].replace("-", ""), "u": deal.secretary["id"].replace("-", "")})
    expired = secretary.get(f"/fichiers/{old}", expect=None)
    assert expired.status == 404 and "expiré" in expired.text
    _, register = api.get(
        f"/api/v1/attachments/{sent['id']}/accesses", token=deal.business["token"]
    )
    assert len(register["results"]) == 1  # the refused ones were not downloads


def test_the_inbox_the_header_count_and_the_ways_in(api, app: Flask) -> None:
    deal = f.Deal(api)
    business = _browser(app, deal.business)
    secretary = _browser(app, deal.secretary)

    # The secretary asks from the mission page.
    mission_page = secretary.get(f"/missions/{deal.mission['id']}")
    assert "Poser une question" in mission_page
    opened = secretary.submit(mission_page, action=f"/missions/{deal.mission['id']}/conversation")
    assert opened.heading().startswith("Conversation avec")
    thread_path = opened.path
    secretary.submit(opened, {"body": "Bonjour, une question."}, action=thread_path)

    # The owner sees it counted in the header and first in her inbox.
    inbox = business.get("/messages")
    assert re.search(r'href="/messages"[^>]*>Messages <span class="badge', inbox.html)
    assert thread_path in inbox.html
    # The quote on her mission page has its "Écrire" button, to the same thread.
    mission_page = business.get(f"/missions/{deal.mission['id']}")
    assert "Écrire à " in mission_page.html
    same = business.submit(
        mission_page,
        {"secretary_id": deal.secretary["id"]},
        action=f"/missions/{deal.mission['id']}/conversation",
    )
    assert same.path == thread_path
    assert "Bonjour, une question." in same
    # Read now: the header count is gone.
    assert not re.search(r'href="/messages"[^>]*>Messages <span', business.get("/messages").html)

    # Hired: the contract page links the conversation.
    deal.hire()
    contract_page = business.get(f"/contrats/{deal.contract_id}")
    assert "Livrables et échanges" in contract_page
    assert thread_path in contract_page.html
