from __future__ import annotations

from marshmallow import Schema, fields, validate


class RegisterIn(Schema):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    password = fields.String(
        required=True, load_only=True, validate=validate.Length(min=1, max=256)
    )
    role = fields.String(required=True, validate=validate.OneOf(["business", "secretary"]))
    display_name = fields.String(required=True, validate=validate.Length(min=2, max=120))


class UserOut(Schema):
    id = fields.UUID()
    email = fields.String()
    role = fields.String()
    display_name = fields.String()
    created_at = fields.DateTime()


class RegisterOut(Schema):
    user = fields.Nested(UserOut)
    token = fields.String()


class TokenIn(Schema):
    email = fields.String(required=True, validate=validate.Length(min=1, max=254))
    password = fields.String(
        required=True, load_only=True, validate=validate.Length(min=1, max=256)
    )


class TokenOut(Schema):
    token = fields.String()


class PasswordChangeIn(Schema):
    current_password = fields.String(
        required=True, load_only=True, validate=validate.Length(min=1, max=256)
    )
    new_password = fields.String(
        required=True, load_only=True, validate=validate.Length(min=1, max=256)
    )
