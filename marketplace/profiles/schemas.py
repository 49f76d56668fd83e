from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, missing, validate

from marketplace.slots import SlotOut, slot_list
from marketplace.taxonomy import LANGUAGE_CODES, SKILL_CODES, SPECIALTY_CODES, WEEKDAY_CODES
from marketplace.validation import PostalCode, Siret, VatNumber, code_list


class AvailabilitySchema(Schema):
    weekdays = code_list(WEEKDAY_CODES, max_items=7)
    hours_per_week = fields.Integer(load_default=35, validate=validate.Range(min=1, max=70))
    available_from = fields.Date(load_default=None, allow_none=True)
    # Her weekly time slots; when given, her weekdays are theirs (`weekdays` may be left out).
    slots = slot_list(load_default=list)


VAT_REGIMES = ("franchise", "vat")


class InvoicingIn(Schema):
    """What an invoice names the party by: the street (postal code and city come from
    `postal_code`) and the VAT regime: `franchise` (franchise en base, "TVA non applicable,
    art. 293 B du CGI") or `vat` (charges VAT, with `vat_number`)."""

    street_address = fields.String(
        load_default="", validate=validate.Length(max=120), metadata={"example": "12 rue Paul Bert"}
    )
    street_address_line2 = fields.String(load_default="", validate=validate.Length(max=120))
    vat_regime = fields.String(
        load_default=None, allow_none=True, validate=validate.OneOf(VAT_REGIMES)
    )
    vat_number = VatNumber(load_default=None, allow_none=True)


class SecretaryProfileIn(InvoicingIn):
    headline = fields.String(required=True, validate=validate.Length(min=3, max=120))
    bio = fields.String(load_default="", validate=validate.Length(max=4000))
    specialties = code_list(SPECIALTY_CODES, min_items=1, max_items=5)
    skills = code_list(SKILL_CODES)
    hourly_rate_cents = fields.Integer(required=True, validate=validate.Range(min=500, max=50_000))
    # Her surcharges, each its own: `surcharge_percent` is for urgent work.
    surcharge_percent = fields.Integer(load_default=0, validate=validate.Range(min=0, max=100))
    evening_surcharge_percent = fields.Integer(
        load_default=0, validate=validate.Range(min=0, max=100)
    )
    weekend_surcharge_percent = fields.Integer(
        load_default=0, validate=validate.Range(min=0, max=100)
    )
    postal_code = PostalCode(required=True)
    country = fields.String(load_default="FR", validate=validate.Length(equal=2))
    remote = fields.Boolean(load_default=True)
    onsite_radius_km = fields.Integer(load_default=0, validate=validate.Range(min=0, max=500))
    languages = code_list(LANGUAGE_CODES, max_items=7)
    availability = fields.Nested(
        AvailabilitySchema, load_default=lambda: AvailabilitySchema().load({})
    )
    siret = Siret(load_default=None, allow_none=True)
    # Before `vat_regime`: true is "franchise"; `vat_regime` wins when both are given.
    vat_exempt = fields.Boolean(load_default=True, metadata={"deprecated": True})


class BusinessProfileIn(InvoicingIn):
    company_name = fields.String(required=True, validate=validate.Length(min=2, max=160))
    siret = Siret(load_default=None, allow_none=True)
    sector = fields.String(load_default="", validate=validate.Length(max=120))
    postal_code = PostalCode(required=True)
    country = fields.String(load_default="FR", validate=validate.Length(equal=2))


class PlaceOut(Schema):
    postal_code = fields.String()
    country = fields.String()
    city = fields.String()
    department_code = fields.String()
    department = fields.String()
    region = fields.String()
    lat = fields.Float()
    lon = fields.Float()


class AvailabilityOut(Schema):
    weekdays = fields.List(fields.String())
    hours_per_week = fields.Integer()
    available_from = fields.Date(allow_none=True)
    slots = fields.List(fields.Nested(SlotOut))


class _OwnColumns(fields.Nested):
    """A nested object dumped from its parent's own attributes (availability's columns)."""

    def get_value(self, obj: Any, attr: str, accessor: Any = None, default: Any = missing) -> Any:
        return obj


class SecretaryCard(PlaceOut):
    """A secretary as anyone may see her: `GET /secretaries/{id}`, and the `secretary` of
    every search and matching result. The one definition of the card's fields.

    The public profile is dumped with this schema. The search hot path is not: it sends
    the dict `marketplace.search.documents.secretary_card` writes from a database row
    (stored in the Elasticsearch document, or built per page by the embedded backend),
    serialised with orjson. A marshmallow dump of a page of 20 cards takes about 0.6 ms,
    that dict 0.06 ms, and the API's whole share of a search is 1.1 to 1.3 ms
    (bench/search/README.md): dumping would add about half to it.
    tests/search/test_card.py holds the two together: for the same secretary they must
    give the same JSON, field for field, so neither can drift from the other.
    """

    id = fields.UUID(attribute="user_id")
    display_name = fields.String(attribute="user.display_name")
    headline = fields.String()
    bio = fields.String()
    specialties = fields.List(fields.String())
    skills = fields.List(fields.String())
    hourly_rate_cents = fields.Integer()
    surcharge_percent = fields.Integer(metadata={"description": "Urgent work's surcharge."})
    evening_surcharge_percent = fields.Integer()
    weekend_surcharge_percent = fields.Integer()
    remote = fields.Boolean()
    onsite_radius_km = fields.Integer()
    languages = fields.List(fields.String())
    availability = _OwnColumns(AvailabilityOut)
    has_siret = fields.Method(
        "_has_siret", metadata={"type": "boolean", "description": "She gave a SIRET"}
    )
    rating_avg = fields.Float(allow_none=True, metadata={"description": "Published reviews"})
    rating_count = fields.Integer()
    completed_contracts = fields.Integer()
    badges = fields.Function(
        lambda obj: list(getattr(obj, "badges", None) or []),
        metadata={
            "type": "array",
            "items": {
                "type": "string",
                "enum": ["identity_verified", "siret_valid", "urssaf_attestation_valid"],
            },
            "description": "What was checked, and only that: identity_verified (the payment "
            "provider verified her identity for payouts), siret_valid (the SIRET's check "
            "digit), urssaf_attestation_valid (an URSSAF attestation de vigilance under six "
            "months old). README 'Badges'.",
        },
    )

    def _has_siret(self, obj: Any) -> bool:
        return bool(getattr(obj, "siret", None))


class SecretaryPublicOut(SecretaryCard):
    """Her public profile page (`GET /secretaries/{id}`): the card and how she answers
    urgent requests within regular work, measured from what she did (not on search cards:
    they are read from the index, and this changes with every answer)."""

    urgent_requests_answered = fields.Integer(dump_default=0)
    urgent_requests_accepted = fields.Integer(dump_default=0)
    urgent_answer_minutes = fields.Integer(
        allow_none=True, metadata={"description": "Median time she took to answer one"}
    )


class InvoicingOut(Schema):
    street_address = fields.String(attribute="street_line1")
    street_address_line2 = fields.String(attribute="street_line2")
    vat_regime = fields.Function(
        lambda p: "franchise" if p.vat_exempt else "vat",
        metadata={"type": "string", "enum": list(VAT_REGIMES)},
    )
    vat_number = fields.String(allow_none=True)


class SecretaryOwnOut(SecretaryCard, InvoicingOut):
    siret = fields.String(allow_none=True)
    vat_exempt = fields.Boolean()


class BusinessProfileOut(PlaceOut, InvoicingOut):
    id = fields.UUID(attribute="user_id")
    company_name = fields.String()
    siret = fields.String(allow_none=True)
    sector = fields.String()


class TermOut(Schema):
    code = fields.String()
    label_fr = fields.String()
    label_en = fields.String()


class TaxonomyOut(Schema):
    specialties = fields.List(fields.Nested(TermOut))
    skills = fields.List(fields.Nested(TermOut))
    languages = fields.List(fields.Nested(TermOut))
    weekdays = fields.List(fields.Nested(TermOut))


# `PUT /me/profile` takes one body or the other depending on the caller's role, and both
# profile routes answer the matching profile: documented as `oneOf`, validated by the view.
PROFILE_IN = {"oneOf": [SecretaryProfileIn, BusinessProfileIn]}
PROFILE_OUT = {"oneOf": [SecretaryOwnOut, BusinessProfileOut]}
