from __future__ import annotations

from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate


class VigilanceFileIn(Schema):
    file = Upload(required=True, metadata={"description": "PDF (from urssaf.fr), PNG or JPEG"})


class VigilanceFormIn(Schema):
    issued_on = fields.Date(required=True, metadata={"description": "Date de délivrance"})
    security_code = fields.String(
        required=True,
        validate=validate.Regexp(
            r"^[A-Za-z0-9]{6,32}$", error="Le code de sécurité compte 6 à 32 lettres ou chiffres."
        ),
        metadata={"description": "The code printed on it, to check it on urssaf.fr"},
    )


class VigilanceDocumentOut(Schema):
    id = fields.UUID(required=True)
    issued_on = fields.Date(required=True)
    expires_on = fields.Date(required=True, metadata={"description": "Six months after issue"})


class MyVigilanceDocumentOut(VigilanceDocumentOut):
    security_code = fields.String()
    filename = fields.String()
    content_type = fields.String()
    size_bytes = fields.Integer()
    created_at = fields.DateTime()


class VigilanceOut(Schema):
    required = fields.Boolean(required=True)
    total_excl_tax_cents = fields.Integer(required=True)
    document = fields.Nested(VigilanceDocumentOut, allow_none=True, required=True)
    status = fields.String(
        required=True,
        validate=validate.OneOf(("not_required", "missing", "valid", "expired")),
        metadata={"enum": ["not_required", "missing", "valid", "expired"]},
    )
