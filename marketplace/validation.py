"""Validators and schema building blocks shared by the domains."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, validate

from marketplace.errors import FieldErrors
from marketplace.pagination import DEFAULT_PER_PAGE, MAX_PAGE, MAX_PER_PAGE


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2 == 1:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


def validate_siret(value: str) -> None:
    """14 digits with a valid Luhn key (La Poste's establishments use a digit sum rule)."""
    if len(value) != 14 or not value.isdigit():
        raise ValidationError(str(_l("Un SIRET compte 14 chiffres.")))
    if value.startswith("356000000"):
        if sum(int(c) for c in value) % 5 != 0:
            raise ValidationError(str(_l("Ce SIRET n'est pas valide (clé de contrôle).")))
    elif not luhn_ok(value):
        raise ValidationError(str(_l("Ce SIRET n'est pas valide (clé de contrôle).")))


class Siret(fields.String):
    """A SIRET; spaces are accepted on input ("123 456 789 00012")."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        cleaned = text.replace(" ", "").replace("\u00a0", "")
        validate_siret(cleaned)
        return cleaned


def french_vat_key(siren: str) -> int:
    """The numeric key of a French intra-EU VAT number: (12 + 3 × (SIREN mod 97)) mod 97."""
    return (12 + 3 * (int(siren) % 97)) % 97


def validate_vat_number(value: str) -> None:
    """A French intra-EU VAT number: FR, the 2-digit key, the 9-digit SIREN (key checked)."""
    if len(value) != 13 or not value.startswith("FR") or not value[2:].isdigit():
        raise ValidationError(
            str(_l("Un numéro de TVA français s'écrit FR, une clé de 2 chiffres et le SIREN."))
        )
    if int(value[2:4]) != french_vat_key(value[4:]):
        raise ValidationError(str(_l("Ce numéro de TVA n'est pas valide (clé de contrôle).")))


class VatNumber(fields.String):
    """A French intra-EU VAT number; spaces and lower case are accepted on input."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        cleaned = text.replace(" ", "").replace("\u00a0", "").upper()
        validate_vat_number(cleaned)
        return cleaned


class PostalCode(fields.String):
    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs).strip().replace(" ", "")
        if len(text) != 5 or not text.isdigit():
            raise ValidationError(str(_l("Un code postal français compte 5 chiffres.")))
        return text


def code_list(choices: Sequence[str], *, min_items: int = 0, max_items: int = 30) -> fields.List:
    """A list of codes from a fixed vocabulary, without duplicates."""

    def no_duplicates(values: list[str]) -> None:
        if len(set(values)) != len(values):
            raise ValidationError(str(_l("Valeurs en double.")))

    return fields.List(
        fields.String(validate=validate.OneOf(choices)),
        validate=[validate.Length(min=min_items, max=max_items), no_duplicates],
        load_default=list,
    )


class PaginationQuery(Schema):
    """`page` and `per_page` in a form's own schema (the web pages); the API's lists take
    them from `@blp.paginate` (marketplace/pagination.py), with the same bounds."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))
    per_page = fields.Integer(
        load_default=DEFAULT_PER_PAGE, validate=validate.Range(min=1, max=MAX_PER_PAGE)
    )


def flatten_messages(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """{"availability": {"weekdays": {0: [..]}}} -> {"availability.weekdays.0": [..]}."""
    if not isinstance(messages, dict):
        return {prefix.rstrip(".") or "_schema": [str(m) for m in messages]}
    flat: dict[str, list[str]] = {}
    for key, value in messages.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten_messages(value, name + "."))
        else:
            flat[name] = [str(v) for v in value] if isinstance(value, list) else [str(value)]
    return flat


def load(schema: Schema, payload: Any, *, partial: bool = False) -> dict[str, Any]:
    """Validate with a marshmallow schema; errors become FieldErrors naming each field."""
    from marshmallow import ValidationError

    if not isinstance(payload, dict):
        raise FieldErrors({"_schema": str(_l("Un objet JSON est attendu."))})
    try:
        data: dict[str, Any] = schema.load(payload, partial=partial)
    except ValidationError as err:
        raise FieldErrors(flatten_messages(err.normalized_messages())) from None
    return data
