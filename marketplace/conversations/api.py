"""Conversations and documents API (API.md "Conversations and documents")."""

from __future__ import annotations

import uuid
from typing import Any, BinaryIO

from flask import Response, send_file
from flask.views import MethodView
from flask_smorest.pagination import PaginationParameters

from marketplace.accounts.auth import api_user
from marketplace.accounts.models import Role, User
from marketplace.conversations import services
from marketplace.conversations.models import Attachment, Conversation, Message
from marketplace.conversations.schemas import (
    AccessPage,
    AttachmentOut,
    ConversationOut,
    ConversationPage,
    MessageIn,
    MessageOut,
    MessagePage,
    OpenConversationIn,
    UploadIn,
)
from marketplace.http import Blueprint
from marketplace.pagination import SelectPage

blp = Blueprint(
    "conversations", __name__, url_prefix="/api/v1", description="Conversations and documents"
)

PEOPLE = (Role.BUSINESS, Role.SECRETARY)


def conversation_out(
    conversation: Conversation, user: User, unread: int | None = None
) -> dict[str, Any]:
    other = services.other_party(conversation, user)
    contract = services.contract_of(conversation)
    return {
        "id": conversation.id,
        "mission_id": conversation.mission_id,
        "mission_title": conversation.mission.title,
        "contract_id": contract.id if contract is not None else None,
        "other_party": {
            "id": other.id,
            "display_name": other.display_name,
            "role": str(other.role),
        },
        "last_message_at": conversation.last_message_at,
        "unread_count": services.unread_in(conversation, user) if unread is None else unread,
        "closed": services.closed_reason(conversation) is not None,
        "operator_reading": services.is_disputed(contract),
    }


def message_out(message: Message, files_visible: bool) -> dict[str, Any]:
    return {
        "id": message.id,
        "conversation_id": message.conversation_id,
        "sender_id": message.sender_id,
        "kind": str(message.kind),
        "contract_id": message.contract_id,
        "body": message.body,
        "masked": message.masked,
        "created_at": message.created_at,
        "attachments": list(message.attachments) if files_visible else [],
    }


@blp.route("/conversations")
class Conversations(MethodView):
    @blp.response(200, ConversationPage)
    @blp.paginate()
    def get(self, pagination_parameters: PaginationParameters) -> Any:
        """The caller's conversations: those with unread messages first, then the latest."""
        user = api_user(*PEOPLE)
        rows = SelectPage(services.inbox(user), pagination_parameters).rows
        return {"results": [conversation_out(c, user, unread) for c, unread in rows]}


@blp.route("/missions/<uuid:mission_id>/conversations")
class MissionConversations(MethodView):
    @blp.arguments(OpenConversationIn)
    @blp.response(201, ConversationOut)
    @blp.alt_response(200, schema=ConversationOut, description="It existed already")
    def post(self, data: dict[str, Any], mission_id: uuid.UUID) -> Any:
        """Open (or get back) the conversation about a mission: a secretary opens hers with
        its owner; the owner passes `secretary_id`. 201 the first time, then 200."""
        user = api_user(*PEOPLE)
        conversation, created = services.open_conversation(user, mission_id, data["secretary_id"])
        return conversation_out(conversation, user), 201 if created else 200


@blp.route("/conversations/<uuid:conversation_id>")
class ConversationOne(MethodView):
    @blp.response(200, ConversationOut)
    def get(self, conversation_id: uuid.UUID) -> dict[str, Any]:
        """One conversation (its parties; an operator while it is disputed)."""
        user = api_user()
        return conversation_out(services.visible_conversation(user, conversation_id), user)


@blp.route("/conversations/<uuid:conversation_id>/messages")
class ConversationMessages(MethodView):
    @blp.response(200, MessagePage)
    @blp.paginate()
    def get(self, conversation_id: uuid.UUID, pagination_parameters: PaginationParameters) -> Any:
        """The messages, oldest first. A secretary sees a confidential mission's files only
        after accepting its agreement."""
        user = api_user()
        conversation = services.visible_conversation(user, conversation_id)
        files = services.files_visible(conversation, user)
        items = SelectPage(services.messages_of(conversation), pagination_parameters).items
        return {"results": [message_out(m, files) for m in items]}

    @blp.arguments(MessageIn)
    @blp.response(201, MessageOut)
    def post(self, data: dict[str, Any], conversation_id: uuid.UUID) -> dict[str, Any]:
        """Write to the other party, with files uploaded before (`attachment_ids`). Before
        hiring, contact details are masked (`masked` says so)."""
        user = api_user()
        conversation = services.visible_conversation(user, conversation_id)
        message = services.post_message(conversation, user, data["body"], data["attachment_ids"])
        return message_out(message, True)


@blp.route("/conversations/<uuid:conversation_id>/read")
class ConversationRead(MethodView):
    @blp.response(200, ConversationOut)
    def post(self, conversation_id: uuid.UUID) -> dict[str, Any]:
        """Mark the conversation read for the caller (its message notifications too)."""
        user = api_user(*PEOPLE)
        conversation = services.visible_conversation(user, conversation_id)
        services.mark_read(conversation, user)
        return conversation_out(conversation, user)


@blp.route("/attachments")
class Attachments(MethodView):
    @blp.arguments(UploadIn, location="files")
    @blp.response(201, AttachmentOut)
    def post(self, files: dict[str, Any]) -> Attachment:
        """Upload a file (multipart, field `file`): PDF, Office, OpenDocument, images, text or
        CSV, checked from its content; too large or another type → 422 naming `file`. It is
        the uploader's until she sends it in a message."""
        user = api_user(*PEOPLE)
        upload = files["file"]
        return services.upload(user, upload.filename or "", upload.stream)


def file_response(attachment: Attachment, stream: BinaryIO) -> Response:
    """Always a download, never rendered by the browser: `attachment`, its checked type,
    no sniffing (a global header), a sandbox CSP, and not kept by caches."""
    response = send_file(
        stream,
        mimetype=attachment.content_type,
        as_attachment=True,
        download_name=attachment.filename,
        conditional=False,
        etag=False,
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Content-Length"] = str(attachment.size_bytes)
    return response


@blp.route("/attachments/<uuid:attachment_id>")
class AttachmentDownload(MethodView):
    @blp.response(
        200, {"type": "string", "format": "binary"}, content_type="application/octet-stream"
    )
    def get(self, attachment_id: uuid.UUID) -> Response:
        """The file, for the parties of the conversation it was sent in (its uploader
        before). Every download is recorded."""
        return file_response(*services.download(api_user(), attachment_id))


@blp.route("/attachments/<uuid:attachment_id>/accesses")
class AttachmentAccesses(MethodView):
    @blp.response(200, AccessPage)
    @blp.paginate()
    def get(self, attachment_id: uuid.UUID, pagination_parameters: PaginationParameters) -> Any:
        """Who downloaded the caller's file and when, newest first (the uploader only)."""
        query = services.accesses(api_user(*PEOPLE), attachment_id)
        found = SelectPage(query, pagination_parameters).items
        return {
            "results": [
                {"user": {"id": a.user.id, "display_name": a.user.display_name}, "at": a.at}
                for a in found
            ]
        }
