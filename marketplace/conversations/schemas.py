from __future__ import annotations

from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate

from marketplace.conversations.services import MAX_ATTACHMENTS, MAX_BODY
from marketplace.pagination import PageOut


class PartyOut(Schema):
    id = fields.UUID(required=True)
    display_name = fields.String(required=True)
    role = fields.String(required=True, validate=validate.OneOf(["business", "secretary"]))


class ConversationOut(Schema):
    id = fields.UUID(required=True)
    mission_id = fields.UUID(required=True)
    mission_title = fields.String(required=True)
    contract_id = fields.UUID(allow_none=True, metadata={"description": "Once she is hired"})
    other_party = fields.Nested(PartyOut, required=True)
    last_message_at = fields.DateTime(allow_none=True)
    unread_count = fields.Integer(required=True)
    closed = fields.Boolean(
        required=True, metadata={"description": "A party is suspended: no new messages"}
    )
    operator_reading = fields.Boolean(
        required=True,
        metadata={"description": "A dispute is open: the platform's operators may read it"},
    )


class ConversationPage(PageOut):
    results = fields.List(fields.Nested(ConversationOut), required=True)


class OpenConversationIn(Schema):
    secretary_id = fields.UUID(
        load_default=None,
        metadata={"description": "The mission's owner names the secretary; she leaves it out"},
    )


class AttachmentOut(Schema):
    id = fields.UUID(required=True)
    filename = fields.String(required=True)
    content_type = fields.String(required=True)
    size_bytes = fields.Integer(required=True)
    sha256 = fields.String(required=True)


class MessageOut(Schema):
    id = fields.UUID(required=True)
    conversation_id = fields.UUID(required=True)
    sender_id = fields.UUID(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(["text", "delivery"]))
    contract_id = fields.UUID(allow_none=True)
    body = fields.String(required=True)
    masked = fields.Boolean(
        required=True,
        metadata={"description": "Contact details were masked (written before hiring)"},
    )
    created_at = fields.DateTime(required=True)
    attachments = fields.List(
        fields.Nested(AttachmentOut),
        required=True,
        metadata={"description": "Empty for a secretary before she accepts the agreement"},
    )


class MessagePage(PageOut):
    results = fields.List(fields.Nested(MessageOut), required=True)


class MessageIn(Schema):
    body = fields.String(load_default="", validate=validate.Length(max=MAX_BODY))
    attachment_ids = fields.List(
        fields.UUID(), load_default=list, validate=validate.Length(max=MAX_ATTACHMENTS)
    )


class UploadIn(Schema):
    file = Upload(required=True)


class PersonOut(Schema):
    id = fields.UUID(required=True)
    display_name = fields.String(required=True)


class AccessOut(Schema):
    user = fields.Nested(PersonOut, required=True)
    at = fields.DateTime(required=True)


class AccessPage(PageOut):
    results = fields.List(fields.Nested(AccessOut), required=True)


class DeliverIn(Schema):
    note = fields.String(load_default="", validate=validate.Length(max=MAX_BODY))
    attachment_ids = fields.List(
        fields.UUID(), load_default=list, validate=validate.Length(max=MAX_ATTACHMENTS)
    )
