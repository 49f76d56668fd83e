from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from marketplace.dac7.services import mask_iban


class TaxProfileIn(Schema):
    legal_name = fields.String(
        required=True,
        validate=validate.Length(min=3, max=160),
        metadata={"description": "First name(s) then last name, as on her tax notice"},
    )
    street_address = fields.String(required=True, validate=validate.Length(min=3, max=120))
    street_address_line2 = fields.String(load_default="", validate=validate.Length(max=120))
    postal_code = fields.String(required=True, validate=validate.Length(min=2, max=10))
    city = fields.String(required=True, validate=validate.Length(min=1, max=120))
    country = fields.String(load_default="FR", validate=validate.Length(equal=2))
    birth_date = fields.Date(load_default=None, allow_none=True)
    siren = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=11))
    tin = fields.String(
        required=True,
        validate=validate.Length(min=5, max=20),
        metadata={"description": "Tax identification number (numéro fiscal, 13 digits in FR)"},
    )
    iban = fields.String(
        required=True,
        validate=validate.Length(min=15, max=42),
        load_only=True,
        metadata={"description": "The IBAN her payouts go to (shown masked)"},
    )


class TaxProfileOut(Schema):
    legal_name = fields.String()
    street_address = fields.String(attribute="street_line1")
    street_address_line2 = fields.String(attribute="street_line2")
    postal_code = fields.String()
    city = fields.String()
    country = fields.String()
    birth_date = fields.Date(allow_none=True)
    siren = fields.String(allow_none=True)
    tin = fields.String()
    iban_masked = fields.Method("_iban")
    updated_at = fields.DateTime()

    def _iban(self, obj: Any) -> str:
        return mask_iban(obj.iban)


class TaxStatementLink(Schema):
    year = fields.Integer(required=True)
    url = fields.String(required=True)
    final = fields.Boolean(metadata={"description": "The year is over"})


class QuarterOut(Schema):
    quarter = fields.Integer()
    consideration_cents = fields.Integer(metadata={"description": "Paid to her, net of fees"})
    fees_cents = fields.Integer(metadata={"description": "Commissions withheld"})
    activities = fields.Integer(metadata={"description": "Payouts (releases, resolutions)"})


class TaxStatementOut(Schema):
    year = fields.Integer()
    final = fields.Boolean()
    quarters = fields.List(fields.Nested(QuarterOut))
    consideration_cents = fields.Integer()
    fees_cents = fields.Integer()
    activities = fields.Integer()
    information_complete = fields.Function(lambda s: s.tax_profile is not None)
