"""Messages: the inbox, a thread with its mission or contract, the composer, and files.

A thread page marks the thread read for the party who opens it; an operator may open a
disputed thread (read-only, no trace on the parties' read state). The composer keeps the
text when sending fails (the page is rendered again with it, and the reason). Files are
uploaded with the message (`multipart/form-data`), each checked from its content; their
links on the page are signed for the reader and expire (`services.download_token`).
"""

from __future__ import annotations

import uuid
from typing import BinaryIO, cast

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from marketplace.accounts.models import Role, User
from marketplace.conversations import services
from marketplace.conversations.api import file_response
from marketplace.conversations.models import Attachment, Conversation
from marketplace.errors import Conflict, FieldErrors
from marketplace.extensions import db
from marketplace.pagination import paginate
from marketplace.web.blueprint import bp
from marketplace.web.helpers import refusal_text, signed_in

PER_PAGE = 30


def uploaded_files(user: User, field: str = "files") -> list[uuid.UUID]:
    """Store each file of the form (checked from its content); FieldErrors names `file`."""
    ids = []
    for upload in request.files.getlist(field):
        if not upload or not upload.filename:
            continue  # the browser sends an empty part when no file was chosen
        ids.append(services.upload(user, upload.filename, cast(BinaryIO, upload.stream)).id)
    return ids


@bp.get("/messages")
def inbox_page() -> ResponseReturnValue:
    user = signed_in(Role.BUSINESS, Role.SECRETARY)
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    total, rows = paginate(services.inbox(user), page, PER_PAGE, rows=True)
    items = []
    for conversation, unread in rows:
        other = db.session.get(User, conversation.other_party_id(user.id))
        items.append({"conversation": conversation, "unread": unread, "other": other})
    return render_template(
        "conversations/inbox.html",
        items=items,
        page=page,
        pages=max((total + PER_PAGE - 1) // PER_PAGE, 1),
    )


@bp.post("/missions/<uuid:mission_id>/conversation")
def conversation_open(mission_id: uuid.UUID) -> ResponseReturnValue:
    """From a mission (the secretary), a quote or a ranked card (the owner, `secretary_id`)."""
    user = signed_in(Role.BUSINESS, Role.SECRETARY)
    secretary_id = None
    if user.role is Role.BUSINESS:
        try:
            secretary_id = uuid.UUID(request.form.get("secretary_id", ""))
        except ValueError:
            flash(_("Choisissez la secrétaire à qui écrire."), "error")
            return redirect(url_for("web.mission_detail", mission_id=mission_id), code=303)
    try:
        conversation, _created = services.open_conversation(user, mission_id, secretary_id)
    except (Conflict, FieldErrors) as refused:
        flash(refusal_text(refused), "error")
        return redirect(url_for("web.mission_detail", mission_id=mission_id), code=303)
    return redirect(url_for("web.conversation_page", conversation_id=conversation.id), code=303)


def _thread_page(
    conversation: Conversation,
    user: User,
    *,
    draft: str = "",
    error: str | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    if status == 200:
        services.mark_read(conversation, user)
    thread = services.thread(conversation, user)
    files: list[Attachment] = [
        a for entry in thread.entries if entry.message for a in entry.message.attachments
    ]
    mine = [a for a in files if a.uploader_id == user.id]
    return (
        render_template(
            "conversations/thread.html",
            thread=thread,
            user=user,
            draft=draft,
            error=error,
            links={a.id: services.download_token(a, user) for a in files},
            register=services.accesses_by_others(mine),
            is_party=conversation.party_role(user.id) is not None,
        ),
        status,
    )


@bp.get("/messages/<uuid:conversation_id>")
def conversation_page(conversation_id: uuid.UUID) -> ResponseReturnValue:
    user = signed_in()
    return _thread_page(services.visible_conversation(user, conversation_id), user)


@bp.post("/messages/<uuid:conversation_id>")
def conversation_post(conversation_id: uuid.UUID) -> ResponseReturnValue:
    user = signed_in()
    conversation = services.visible_conversation(user, conversation_id)
    body = request.form.get("body", "")
    try:
        services.post_message(conversation, user, body, uploaded_files(user))
    except (Conflict, FieldErrors) as refused:
        db.session.rollback()
        status = 409 if isinstance(refused, Conflict) else 422
        return _thread_page(
            conversation, user, draft=body, error=refusal_text(refused), status=status
        )
    return redirect(
        url_for("web.conversation_page", conversation_id=conversation.id) + "#dernier", code=303
    )


@bp.get("/fichiers/<token>")
def attachment_download(token: str) -> ResponseReturnValue:
    """A file from a page: the link is the reader's own and expires; the download is recorded."""
    user = signed_in()
    attachment_id = services.attachment_from_token(token, user)
    return file_response(*services.download(user, attachment_id))
