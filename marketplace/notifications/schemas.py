from __future__ import annotations

from marshmallow import Schema, fields, validate

from marketplace.notifications.kinds import KINDS, MODES
from marketplace.pagination import PageOut


class SubjectOut(Schema):
    type = fields.String(required=True)
    id = fields.UUID(required=True)


class NotificationOut(Schema):
    id = fields.UUID(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(list(KINDS)))
    created_at = fields.DateTime(required=True)
    read_at = fields.DateTime(allow_none=True)
    title = fields.String(required=True)
    body = fields.String(required=True)
    url = fields.String(required=True, metadata={"description": "Path of the page it is about"})
    subject = fields.Nested(SubjectOut, required=True)


class NotificationPage(PageOut):
    unread = fields.Integer(required=True, metadata={"description": "Unread in the whole list"})
    results = fields.List(fields.Nested(NotificationOut), required=True)


class NotificationQuery(Schema):
    unread = fields.Boolean(load_default=False)


class ReadAllOut(Schema):
    marked = fields.Integer(required=True)


class NotificationSettings(Schema):
    """`{email: {kind: "immediate"|"daily"|"off"}}`; a PUT may name only some kinds."""

    email = fields.Dict(
        keys=fields.String(),
        values=fields.String(validate=validate.OneOf(MODES)),
        required=True,
    )
