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
    email_verified = fields.Boolean(
        metadata={"description": "She followed the link of the verification e-mail."}
    )
    pending_email = fields.String(
        allow_none=True,
        metadata={
            "description": "The address she asked to change to (`POST /me/email`), until the "
            "link sent to it is followed; `email` stays the sign-in address until then."
        },
    )


class RegisterOut(Schema):
    user = fields.Nested(UserOut)
    token = fields.String()


class TokenIn(Schema):
    email = fields.String(required=True, validate=validate.Length(min=1, max=254))
    password = fields.String(
        required=True, load_only=True, validate=validate.Length(min=1, max=256)
    )


class VerifyEmailIn(Schema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=1000))


class VerifiedOut(Schema):
    email_verified = fields.Boolean(required=True)


class PasswordResetIn(Schema):
    email = fields.String(required=True, validate=validate.Length(min=1, max=254))


class PasswordResetConfirmIn(Schema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=1000))
    password = fields.String(
        required=True, load_only=True, validate=validate.Length(min=1, max=256)
    )


class AcceptedOut(Schema):
    accepted = fields.Boolean(required=True)


class TokenOut(Schema):
    token = fields.String()


class AccountDeleteIn(Schema):
    password = fields.String(
        required=True, load_only=True, validate=validate.Length(min=1, max=256)
    )


class PasswordChangeIn(Schema):
    current_password = fields.String(
        required=True, load_only=True, validate=validate.Length(min=1, max=256)
    )
    new_password = fields.String(
        required=True, load_only=True, validate=validate.Length(min=1, max=256)
    )


class EmailChangeIn(Schema):
    password = fields.String(
        required=True,
        load_only=True,
        validate=validate.Length(min=1, max=256),
        metadata={"description": "Her current password."},
    )
    new_email = fields.Email(required=True, validate=validate.Length(max=254))
