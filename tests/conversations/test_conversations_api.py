"""Conversations and documents through the API, on PostgreSQL: each rule of API.md.

Who reads a thread (its two parties; an operator only during a dispute), masking of
contact details before hiring, a suspended party closes the thread, files checked from
their content, confidential files hidden until the agreement, the download register,
deliveries with files, and one notification (one e-mail) for a burst of messages.
"""

from __future__ import annotations

import hashlib
import uuid

import sqlalchemy as sa
from flask import Flask

from marketplace.accounts.models import User
from marketplace.conversations.masking import MASK
from marketplace.extensions import db
from marketplace.jobs.models import JobOutbox
from marketplace.notifications.models import Notification
from tests import factories as f
from tests.conversations import files
from tests.conversations.steps import messages, open_thread, say, upload


def test_one_conversation_per_mission_and_secretary_from_either_side(api) -> None:
    deal = f.Deal(api)
    status, first = open_thread(api, deal.secretary, deal.mission["id"])
    assert status == 201, first
    assert first["other_party"]["id"] == deal.business["id"]
    assert first["contract_id"] is None and first["unread_count"] == 0
    status, again = open_thread(api, deal.secretary, deal.mission["id"])
    assert (status, again["id"]) == (200, first["id"])
    status, owners = open_thread(
        api, deal.business, deal.mission["id"], secretary_id=deal.secretary["id"]
    )
    assert (status, owners["id"]) == (200, first["id"])
    assert owners["other_party"] == {
        "id": deal.secretary["id"],
        "display_name": owners["other_party"]["display_name"],
        "role": "secretary",
    }

    # The owner must name a secretary; a business account is not one.
    status, body = open_thread(api, deal.business, deal.mission["id"])
    assert status == 422 and "secretary_id" in body["errors"]["json"]
    status, body = open_thread(
        api, deal.business, deal.mission["id"], secretary_id=deal.business["id"]
    )
    assert status == 422 and "secretary_id" in body["errors"]["json"]
    # Another business cannot open one about a mission that is not hers.
    other = f.Rows(api.client.application).business()
    status, _ = open_thread(api, other, deal.mission["id"], secretary_id=deal.secretary["id"])
    assert status == 404


def test_only_the_two_parties_read_and_write_and_the_inbox_puts_unread_first(
    api, app: Flask
) -> None:
    rows = f.Rows(app)
    deal = f.Deal(api)
    _, thread = open_thread(api, deal.secretary, deal.mission["id"])
    say(api, deal.secretary, thread["id"], "Bonjour, le cabinet utilise-t-il Doctolib ?")

    stranger = rows.secretary()
    other_business = rows.business()
    operator = f.operator(api, app)
    for outsider in (stranger, other_business, operator):
        assert messages(api, outsider, thread["id"])[0] == 404
        assert api.get(f"/api/v1/conversations/{thread['id']}", token=outsider["token"])[0] == 404
        status, _ = api.post(
            f"/api/v1/conversations/{thread['id']}/messages",
            {"body": "Je m'invite."},
            token=outsider["token"],
        )
        assert status == 404

    # A second conversation of the business, older and read: the unread one comes first.
    quiet = f.Deal(api)
    _, older = open_thread(
        api, quiet.business, quiet.mission["id"], secretary_id=quiet.secretary["id"]
    )
    status, inbox = api.get("/api/v1/conversations", token=deal.business["token"])
    assert status == 200 and inbox["total"] == 1  # another business's deal: not hers
    assert inbox["results"][0]["unread_count"] == 1
    status, body = api.post(
        f"/api/v1/conversations/{thread['id']}/read", token=deal.business["token"]
    )
    assert status == 200 and body["unread_count"] == 0
    assert older["id"] != thread["id"]


def test_contact_details_are_masked_before_hiring_and_pass_after(api) -> None:
    deal = f.Deal(api)
    _, thread = open_thread(api, deal.secretary, deal.mission["id"])
    before = say(
        api,
        deal.secretary,
        thread["id"],
        "Appelez-moi au 06 12 34 56 78 ou écrivez à jeanne.martin@gmail.com, le 12/03/2026.",
    )
    assert before["masked"] is True
    assert "06 12" not in before["body"] and "gmail" not in before["body"]
    assert before["body"].count(MASK) == 2 and "12/03/2026" in before["body"]
    _, listed = messages(api, deal.business, thread["id"])
    assert listed["results"][0]["body"] == before["body"]  # the original is never stored

    deal.hire()
    after = say(api, deal.business, thread["id"], "Voici mon numéro : 04 78 12 34 56.")
    assert after["masked"] is False and "04 78 12 34 56" in after["body"]
    status, body = api.get(f"/api/v1/conversations/{thread['id']}", token=deal.business["token"])
    assert status == 200 and body["contract_id"] == deal.contract_id


def test_an_operator_reads_a_thread_only_while_its_contract_is_disputed(api, app: Flask) -> None:
    deal = f.Deal(api).to("delivered")
    _, thread = open_thread(api, deal.secretary, deal.mission["id"])
    say(api, deal.secretary, thread["id"], "Le compte rendu est livré.")
    operator = f.operator(api, app)
    assert messages(api, operator, thread["id"])[0] == 404

    assert deal.act("dispute", "business", {"reason": "Il manque deux courriers."})[0] == 200
    status, read = messages(api, operator, thread["id"])
    assert status == 200 and read["results"][0]["body"] == "Le compte rendu est livré."
    status, body = api.get(f"/api/v1/conversations/{thread['id']}", token=deal.secretary["token"])
    assert body["operator_reading"] is True  # the parties are told
    status, _ = api.post(
        f"/api/v1/conversations/{thread['id']}/messages",
        {"body": "Je tranche."},
        token=operator["token"],
    )
    assert status == 403  # read-only

    assert deal.resolve(operator, 50_000, 60_000)[0] == 200
    assert messages(api, operator, thread["id"])[0] == 404


def test_a_suspended_party_closes_the_thread_to_new_messages(api, app: Flask) -> None:
    deal = f.Deal(api)
    _, thread = open_thread(api, deal.secretary, deal.mission["id"])
    say(api, deal.business, thread["id"], "Bonjour !")
    with app.app_context():
        db.session.get(User, uuid.UUID(deal.secretary["id"])).is_suspended = True
        db.session.commit()
    status, body = api.post(
        f"/api/v1/conversations/{thread['id']}/messages",
        {"body": "Vous êtes là ?"},
        token=deal.business["token"],
    )
    assert status == 409 and body["error"] == "conversation_closed"
    status, body = api.get(f"/api/v1/conversations/{thread['id']}", token=deal.business["token"])
    assert body["closed"] is True
    assert messages(api, deal.business, thread["id"])[0] == 200  # still readable


def test_files_are_checked_from_their_content(api) -> None:
    secretary = f.Rows(api.client.application).secretary()
    content = files.pdf()
    status, body = upload(api, secretary, "planning.pdf", content)
    assert status == 201, body
    assert body["content_type"] == "application/pdf"
    assert body["size_bytes"] == len(content)
    assert body["sha256"] == hashlib.sha256(content).hexdigest()

    status, body = upload(api, secretary, "facture.pdf", files.ELF)
    assert status == 422 and list(body["errors"]["files"]) == ["file"]
    status, body = upload(api, secretary, "page.txt", b"<html><script>alert(1)</script></html>")
    assert status == 422 and list(body["errors"]["files"]) == ["file"]
    status, body = upload(api, secretary, "vide.pdf", b"")
    assert status == 422 and list(body["errors"]["files"]) == ["file"]
    status, body = upload(api, secretary, "courrier.docx", files.docx())
    assert status == 201 and body["content_type"].endswith("wordprocessingml.document")


def test_a_file_goes_to_the_other_party_only_and_every_download_is_recorded(
    api, app: Flask
) -> None:
    deal = f.Deal(api)
    _, thread = open_thread(api, deal.secretary, deal.mission["id"])
    _, sent = upload(api, deal.business, "procédure accueil.pdf", files.pdf("Accueil"))
    _, unsent = upload(api, deal.business, "brouillon.pdf", files.pdf("Brouillon"))
    # Not sent yet: only its uploader may fetch it.
    assert api.get(f"/api/v1/attachments/{sent['id']}", token=deal.secretary["token"])[0] == 404
    message = say(api, deal.business, thread["id"], "La procédure, ci-jointe.", sent["id"])
    assert [a["id"] for a in message["attachments"]] == [sent["id"]]

    with api.client.get(
        f"/api/v1/attachments/{sent['id']}",
        headers={"Authorization": f"Bearer {deal.secretary['token']}"},
    ) as response:
        assert response.status_code == 200
        content = response.data
    assert content == files.pdf("Accueil")
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "proc%C3%A9dure" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response.headers["Cache-Control"]

    status, register = api.get(
        f"/api/v1/attachments/{sent['id']}/accesses", token=deal.business["token"]
    )
    assert status == 200
    assert [a["user"]["id"] for a in register["results"]] == [deal.secretary["id"]]
    # The register is the uploader's; the file is no one else's.
    assert (
        api.get(f"/api/v1/attachments/{sent['id']}/accesses", token=deal.secretary["token"])[0]
        == 404
    )
    stranger = f.Rows(app).secretary()
    assert api.get(f"/api/v1/attachments/{sent['id']}", token=stranger["token"])[0] == 404
    assert api.get(f"/api/v1/attachments/{unsent['id']}", token=deal.secretary["token"])[0] == 404
    assert api.get(f"/api/v1/attachments/{uuid.uuid4()}", token=deal.business["token"])[0] == 404


def test_only_the_uploader_sends_a_file_and_only_once(api) -> None:
    deal = f.Deal(api)
    _, thread = open_thread(api, deal.secretary, deal.mission["id"])
    _, theirs = upload(api, deal.business, "contrat.pdf", files.pdf())
    status, body = api.post(
        f"/api/v1/conversations/{thread['id']}/messages",
        {"body": "Je renvoie votre fichier.", "attachment_ids": [theirs["id"]]},
        token=deal.secretary["token"],
    )
    assert status == 422 and "attachment_ids" in body["errors"]["json"]
    say(api, deal.business, thread["id"], "Le contrat.", theirs["id"])
    status, body = api.post(
        f"/api/v1/conversations/{thread['id']}/messages",
        {"body": "Encore.", "attachment_ids": [theirs["id"]]},
        token=deal.business["token"],
    )
    assert status == 422 and "attachment_ids" in body["errors"]["json"]
    _, listed = messages(api, deal.business, thread["id"])
    assert [m["body"] for m in listed["results"]] == ["Le contrat."]  # nothing half-written
    status, body = api.post(
        f"/api/v1/conversations/{thread['id']}/messages",
        {"body": "   "},
        token=deal.business["token"],
    )
    assert status == 422 and "body" in body["errors"]["json"]


def test_a_confidential_missions_files_wait_for_the_agreement(api, app: Flask) -> None:
    rows = f.Rows(app)
    business = rows.business()
    secretary = rows.secretary()
    mission = rows.mission(business, confidential=True)
    _, thread = open_thread(api, secretary, mission["id"])
    _, dossier = upload(api, business, "dossier patient.pdf", files.pdf("Dossier"))
    say(api, business, thread["id"], "Le dossier à saisir.", dossier["id"])

    _, listed = messages(api, secretary, thread["id"])
    assert listed["results"][0]["body"] == "Le dossier à saisir."
    assert listed["results"][0]["attachments"] == []
    assert api.get(f"/api/v1/attachments/{dossier['id']}", token=secretary["token"])[0] == 404

    status, _ = api.post(f"/api/v1/missions/{mission['id']}/nda", token=secretary["token"])
    assert status in (200, 201)
    _, listed = messages(api, secretary, thread["id"])
    assert [a["id"] for a in listed["results"][0]["attachments"]] == [dossier["id"]]
    assert api.get(f"/api/v1/attachments/{dossier['id']}", token=secretary["token"])[0] == 200


def test_a_delivery_carries_its_files_to_the_contract(api) -> None:
    deal = f.Deal(api).to("funded")
    _, report = upload(api, deal.secretary, "comptes rendus novembre.docx", files.docx())
    status, contract = deal.act(
        "deliver", "secretary", {"note": "Les 42 comptes rendus.", "attachment_ids": [report["id"]]}
    )
    assert status == 200 and contract["status"] == "delivered", contract
    _, inbox = api.get("/api/v1/conversations", token=deal.business["token"])
    [thread] = inbox["results"]
    assert thread["contract_id"] == deal.contract_id
    _, listed = messages(api, deal.business, thread["id"])
    [delivery] = listed["results"]
    assert delivery["kind"] == "delivery" and delivery["contract_id"] == deal.contract_id
    assert [a["id"] for a in delivery["attachments"]] == [report["id"]]
    # A refused delivery leaves nothing behind: the contract is delivered once.
    status, body = deal.act("deliver", "secretary", {"note": "Encore."})
    assert status == 409, body
    _, listed = messages(api, deal.business, thread["id"])
    assert len(listed["results"]) == 1


def test_a_burst_of_messages_is_one_notification_and_one_delayed_e_mail(api, app: Flask) -> None:
    deal = f.Deal(api)
    _, thread = open_thread(api, deal.secretary, deal.mission["id"])
    for line in ("Bonjour,", "une question sur les horaires :", "le samedi matin est-il compris ?"):
        say(api, deal.secretary, thread["id"], line)
    _, body = api.get("/api/v1/notifications", token=deal.business["token"])
    grouped = [n for n in body["results"] if n["kind"] == "message_received"]
    assert len(grouped) == 1
    assert grouped[0]["title"].startswith("3 nouveaux messages")
    assert grouped[0]["subject"] == {"type": "conversation", "id": thread["id"]}
    with app.app_context():
        jobs = db.session.scalars(
            sa.select(JobOutbox).where(JobOutbox.kind == "notification_email")
        ).all()
        mails = [j for j in jobs if j.payload["notification_id"] == grouped[0]["id"]]
        assert len(mails) == 1
        assert mails[0].next_attempt_at > mails[0].created_at  # held back for the burst

    # Read in the site before the e-mail left: the notification is read, no mail will go.
    api.post(f"/api/v1/conversations/{thread['id']}/read", token=deal.business["token"])
    with app.app_context():
        notification = db.session.get(Notification, uuid.UUID(grouped[0]["id"]))
        assert notification.read_at is not None
    # A new message after that is a new notification.
    say(api, deal.secretary, thread["id"], "Merci !")
    _, body = api.get("/api/v1/notifications?unread=true", token=deal.business["token"])
    assert [n["title"] for n in body["results"] if n["kind"] == "message_received"] == [
        grouped[0]["title"].replace("3 nouveaux messages", "Nouveau message")
    ]


def test_a_file_over_the_limit_is_refused_naming_file_and_a_large_one_passes(
    app: Flask, database_url: str, tmp_path_factory
) -> None:
    """(`app` puts the test in the rolled-back transaction the small app joins.)"""
    from tests.conftest import ApiClient, make_app

    small = make_app(database_url, tmp_path_factory, ATTACHMENT_MAX_MB="3")
    api = ApiClient(small.test_client())
    secretary = f.Rows(small).secretary()
    big = files.pdf(filler=2_600_000)  # 2.6 MB: over the app's 2 MiB for other requests
    status, body = upload(api, secretary, "scan.pdf", big)
    assert status == 201, body
    assert body["size_bytes"] == len(big)
    too_big = files.pdf(filler=3_300_000)  # past 3 MiB
    status, body = upload(api, secretary, "scan.pdf", too_big)
    assert status == 422 and list(body["errors"]["files"]) == ["file"], body
    too_big_request = big * 2  # past the route's limit itself (one file + the form)
    status, body = upload(api, secretary, "scan.pdf", too_big_request)
    assert status == 422 and list(body["errors"]["files"]) == ["file"], body
