"""Search query parameters and results (the OpenAPI document is generated from these)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from marketplace.geo.places import lookup
from marketplace.missions.schemas import MissionOut
from marketplace.pagination import PageOut
from marketplace.profiles.schemas import SecretaryCard
from marketplace.taxonomy import SKILL_CODES, SPECIALTY_CODES
from marketplace.validation import PaginationQuery, PostalCode


class CodeListParam(fields.List):
    """Codes from a vocabulary, repeated (`skills=a&skills=b`) or comma-separated (`a,b`)."""

    def __init__(self, choices: tuple[str, ...], **kwargs: Any) -> None:
        self.choices = choices
        super().__init__(fields.String(), **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> list[Any]:
        items = value if isinstance(value, list | tuple) else [value]
        split = [part.strip() for item in items for part in str(item).split(",") if part.strip()]
        unknown = [code for code in split if code not in self.choices]
        if unknown:
            raise ValidationError(str(_l("Code inconnu : %(codes)s.", codes=", ".join(unknown))))
        return list(dict.fromkeys(split))


def _check_place(data: dict[str, Any]) -> None:
    code = data.get("postal_code")
    if code is not None and lookup(code) is None:
        raise ValidationError(str(_l("Code postal inconnu : %(code)s.", code=code)), "postal_code")
    if data.get("radius_km") is not None and code is None:
        raise ValidationError(
            str(_l("Indiquez un code postal pour chercher dans un rayon.")), "postal_code"
        )


class SecretaryFilters(Schema):
    """The filters of a secretary search (the API's `page`/`per_page` come with @blp.paginate)."""

    q = fields.String(
        load_default=None, validate=validate.Length(max=200), metadata={"description": "Text"}
    )
    specialty = fields.String(load_default=None, validate=validate.OneOf(SPECIALTY_CODES))
    skills = CodeListParam(
        SKILL_CODES,
        load_default=list,
        validate=validate.Length(max=10),
        metadata={"description": "Skill codes the secretary must all have (a,b or repeated)"},
    )
    postal_code = PostalCode(load_default=None)
    radius_km = fields.Integer(load_default=None, validate=validate.Range(min=1, max=1000))
    max_rate_cents = fields.Integer(
        load_default=None, validate=validate.Range(min=100, max=1_000_000)
    )
    remote = fields.Boolean(
        load_default=None,
        metadata={
            "description": "true: works remotely; false: comes on site to postal_code "
            "(her on-site radius reaches it)"
        },
    )
    available_on = fields.Date(load_default=None)

    @validates_schema
    def _consistent(self, data: dict[str, Any], **_kwargs: Any) -> None:
        _check_place(data)
        if data.get("remote") is False and data.get("postal_code") is None:
            raise ValidationError(
                str(_l("Indiquez un code postal pour une intervention sur place.")), "postal_code"
            )


class SecretarySearchQuery(SecretaryFilters, PaginationQuery):
    """The filters and the page, as the search page (search/views.py) reads its form."""


class MissionSearchQuery(Schema):
    """The filters of a mission search (`page`/`per_page` come with @blp.paginate).

    A signed-in secretary's results are ranked for her profile, with or without filters."""

    q = fields.String(load_default=None, validate=validate.Length(max=200))
    specialty = fields.String(load_default=None, validate=validate.OneOf(SPECIALTY_CODES))
    postal_code = PostalCode(load_default=None)
    radius_km = fields.Integer(load_default=None, validate=validate.Range(min=1, max=1000))
    remote = fields.Boolean(
        load_default=None,
        metadata={"description": "true: missions that can be done remotely; false: on site"},
    )
    min_budget_cents = fields.Integer(
        load_default=None,
        validate=validate.Range(min=0, max=100_000_000),
        metadata={"description": "The mission's budget is at least this"},
    )
    schedule = fields.String(
        load_default=None,
        validate=validate.OneOf(["one_off", "recurring"]),
        metadata={"description": "one_off: one-off missions; recurring: regular work"},
    )

    @validates_schema
    def _consistent(self, data: dict[str, Any], **_kwargs: Any) -> None:
        _check_place(data)


class MatchesQuery(Schema):
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))
    strict_specialty = fields.Boolean(
        load_default=True,
        metadata={
            "description": "true (default): only secretaries with the mission's specialty; "
            "false: the specialty is a strong signal, not a filter"
        },
    )


class _Ranked(Schema):
    score = fields.Float(metadata={"description": "Higher is better; see docs/elasticsearch.md"})
    distance_km = fields.Float(allow_none=True)
    reasons = fields.List(
        fields.String(),
        metadata={
            "description": "What speaks for it, strongest first, in the caller's language "
            "(a card shows the first four)"
        },
    )
    caveats = fields.List(
        fields.String(),
        metadata={
            "description": "What speaks against it (over budget, far away, partly available), "
            "most costly first, in the caller's language"
        },
    )


class SecretaryHitOut(_Ranked):
    secretary = fields.Nested(SecretaryCard)


class MissionHitOut(_Ranked):
    mission = fields.Nested(MissionOut)


class SecretaryResults(PageOut):
    results = fields.List(fields.Nested(SecretaryHitOut), required=True)


class MatchResults(Schema):
    mission_id = fields.UUID()
    total = fields.Integer()
    results = fields.List(fields.Nested(SecretaryHitOut))


class MissionResults(PageOut):
    results = fields.List(fields.Nested(MissionHitOut), required=True)
