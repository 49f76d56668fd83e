"""HTML form data in, the domain schemas' payloads out, and errors back next to each field.

Pages validate with the same marshmallow schemas as the API (`marketplace.validation.load`).
This module only translates between what a browser sends (strings, checkboxes, euros typed
"28,50", read by `marketplace.money`) and what the schemas expect (booleans, lists, integer
cents), and maps the FieldErrors the schemas and services raise back to the form fields
people see.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from flask_babel import gettext as _
from marshmallow import Schema, validate
from marshmallow import fields as mfields
from werkzeug.datastructures import MultiDict

from marketplace.errors import FieldErrors
from marketplace.money import euros, parse_euros
from marketplace.validation import load
from marketplace.web.filters import locale_name, number

_SPACES = re.compile(r"[\s\u00a0\u202f]+")


def number_to_input(value: float | int | None, locale: str) -> str:
    if value is None:
        return ""
    text = f"{value:g}"
    return text if locale.startswith("en") else text.replace(".", ",")


class FormState:
    """What the visitor typed (kept on re-render) and the errors shown next to each field."""

    def __init__(
        self,
        values: Mapping[str, Any] | MultiDict[str, Any] | None = None,
        errors: Mapping[str, list[str]] | None = None,
        *,
        hidden: Iterable[str] = (),
    ) -> None:
        if isinstance(values, MultiDict):
            data: MultiDict[str, Any] = MultiDict(values)
        else:
            data = MultiDict()
            for key, value in (values or {}).items():
                if isinstance(value, list | tuple | set):
                    for item in value:
                        data.add(key, item)
                elif value is not None:
                    data.add(key, value)
        for name in hidden:  # passwords are never sent back to the browser
            data.poplist(name)
        self.values = data
        self.errors: dict[str, list[str]] = {k: list(v) for k, v in (errors or {}).items()}

    def get(self, name: str, default: str = "") -> str:
        value = self.values.get(name)
        return default if value is None else str(value)

    def getlist(self, name: str) -> list[str]:
        return [str(v) for v in self.values.getlist(name)]

    def checked(self, name: str, value: str | None = None) -> bool:
        if value is None:
            return name in self.values and self.values.get(name) not in ("", "0", "false", "False")
        return value in self.getlist(name)

    def error(self, name: str) -> list[str]:
        return self.errors.get(name, [])

    @property
    def general_errors(self) -> list[str]:
        return self.errors.get("_schema", [])

    def __bool__(self) -> bool:
        return True


@dataclass(frozen=True)
class FormSpec:
    """How one HTML form maps onto one schema.

    Each form field name maps to a schema path ("availability.weekdays"); fields not named
    in `paths` use their own name. Only the fields listed here are read from the request.
    """

    schema: Callable[[], Schema]
    text: tuple[str, ...] = ()  # strings; an empty field is left out (schema default applies)
    flags: tuple[str, ...] = ()  # single checkboxes: absent means False
    lists: tuple[str, ...] = ()  # groups of checkboxes with the same name
    decimals: tuple[str, ...] = ()  # numbers where a French comma is accepted ("38,5")
    money: tuple[str, ...] = ()  # euros typed by people; the schema field takes cents
    raw: tuple[str, ...] = ()  # sent untouched (passwords: never stripped)
    paths: Mapping[str, str] = field(default_factory=dict)

    def path(self, name: str) -> str:
        return self.paths.get(name, name)

    def parse(self, form: MultiDict[str, str]) -> dict[str, Any]:
        """Validate a submitted form with the schema; raises FieldErrors keyed by schema path."""
        payload: dict[str, Any] = {}
        early: dict[str, list[str]] = {}
        for name in self.raw:
            if form.get(name):
                _put(payload, self.path(name), form.get(name, ""))
        for name in self.text:
            value = form.get(name, "").strip()
            if value:
                _put(payload, self.path(name), value)
        for name in self.decimals:
            value = _SPACES.sub("", form.get(name, "")).replace(",", ".")
            if value:
                _put(payload, self.path(name), value)
        for name in self.flags:
            _put(payload, self.path(name), name in form)
        for name in self.lists:
            _put(payload, self.path(name), [v for v in form.getlist(name) if v])
        for name in self.money:
            value = form.get(name, "").strip()
            if not value:
                continue
            try:
                _put(payload, self.path(name), parse_euros(value))
            except ValueError as exc:
                early[self.path(name)] = [str(exc)]
        try:
            data = load(self.schema(), payload)
        except FieldErrors as exc:
            raise FieldErrors(exc.errors | early) from None
        if early:
            raise FieldErrors(early)
        return data

    def form_errors(self, errors: Mapping[str, list[str]]) -> dict[str, list[str]]:
        """Schema/service errors (keyed by schema path) -> messages keyed by form field."""
        by_path = {self.path(name): name for name in self.fields}
        schema = self.schema()
        result: dict[str, list[str]] = {}
        for key, messages in errors.items():
            parts = key.split(".")
            while parts and parts[-1].isdigit():  # "skills.2" -> "skills"
                parts.pop()
            path = ".".join(parts) or "_schema"
            name = by_path.get(path, path)
            schema_field = _schema_field(schema, path)
            money = name in self.money
            for message in messages:
                text = humanize(message, schema_field, money=money)
                if text not in result.setdefault(name, []):
                    result[name].append(text)
        return result

    @property
    def fields(self) -> tuple[str, ...]:
        return self.raw + self.text + self.decimals + self.flags + self.lists + self.money

    def state(self, form: MultiDict[str, str], exc: FieldErrors) -> FormState:
        return FormState(form, self.form_errors(exc.errors), hidden=self.raw)


def _put(payload: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    target = payload
    for part in parents:
        target = target.setdefault(part, {})
    target[last] = value


def _schema_field(schema: Schema, path: str) -> mfields.Field | None:
    current: Schema | None = schema
    found: mfields.Field | None = None
    for part in path.split("."):
        if current is None:
            return None
        found = current.fields.get(part)
        if found is None:
            return None
        nested = getattr(found, "schema", None)
        current = nested if isinstance(nested, Schema) else None
    return found


def _range_of(schema_field: mfields.Field | None) -> validate.Range | None:
    if schema_field is None:
        return None
    for validator in schema_field.validators:
        if isinstance(validator, validate.Range):
            return validator
    return None


def _length_of(schema_field: mfields.Field | None) -> validate.Length | None:
    if schema_field is None:
        return None
    for validator in schema_field.validators:
        if isinstance(validator, validate.Length):
            return validator
    return None


def humanize(
    message: str, schema_field: mfields.Field | None = None, *, money: bool = False
) -> str:
    """marshmallow's English messages -> short messages in the visitor's language.

    Messages already written for people (the services' and validators' French ones) pass
    through unchanged. Limits are read from the schema itself, so nothing is restated here.
    """
    is_list = isinstance(schema_field, mfields.List)
    fixed = {
        "Missing data for required field.": _("Ce champ est obligatoire."),
        "Field may not be null.": _("Ce champ est obligatoire."),
        "Not a valid integer.": _("Indiquez un nombre entier."),
        "Not a valid number.": _("Indiquez un nombre."),
        "Not a valid date.": _("Date invalide (jj/mm/aaaa)."),
        "Not a valid email address.": _("Adresse e-mail invalide."),
        "Not a valid boolean.": _("Valeur invalide."),
        "Not a valid UUID.": _("Choix invalide."),
        "Not a valid string.": _("Texte invalide."),
        "Not a valid list.": _("Choix invalide."),
        "Unknown field.": _("Champ inattendu."),
        "Invalid value.": _("Valeur invalide."),
    }
    if message in fixed:
        return fixed[message]
    if message.startswith("Must be one of:"):
        return _("Choix invalide.")
    if message.startswith("Must be "):
        bounds = _range_of(schema_field)
        if bounds is not None:
            low, high = bounds.min, bounds.max
            show: Callable[[Any], str] = partial(euros, locale=locale_name()) if money else _number
            if low is not None and high is not None:
                return _("Entre %(low)s et %(high)s.", low=show(low), high=show(high))
            if low is not None:
                return _("Au moins %(low)s.", low=show(low))
            if high is not None:
                return _("Au plus %(high)s.", high=show(high))
        return _("Valeur hors des limites acceptées.")
    if message.startswith(("Shorter than", "Longer than", "Length must be")):
        length = _length_of(schema_field)
        if length is None:
            return _("Longueur invalide.")
        low, high = length.min, length.max
        if message.startswith("Length must be between") and low is not None and high is not None:
            if is_list:
                return _("Choisissez entre %(low)d et %(high)d options.", low=low, high=high)
            return _("Entre %(low)d et %(high)d caractères.", low=low, high=high)
        if message.startswith("Shorter") and low is not None:
            if is_list:
                return _("Choisissez au moins %(n)d option(s).", n=low)
            return _("Au moins %(n)d caractères.", n=low)
        if high is not None:
            if is_list:
                return _("%(n)d options au plus.", n=high)
            return _("%(n)d caractères au plus.", n=high)
        return _("Longueur invalide.")
    return message


def _number(value: Any) -> str:

    return number(value)


def weekly_slots(
    days: Iterable[str],
    ranges: Iterable[tuple[str, str]],
    field_name: str,
    *,
    skip_empty: bool = True,
) -> list[dict[str, str]]:
    """Checked days times the hour ranges typed ("08:00"-"12:00"; an empty range skipped, or
    with `skip_empty=False` refused as a time missing) ->
    API.md's slots, each checked by `marketplace.slots.SlotIn`; a bad time raises FieldErrors
    on `field_name` (the form's slot fields share one message)."""
    from marketplace.slots import SlotIn

    chosen = [
        (start.strip(), end.strip())
        for start, end in ranges
        if not skip_empty or start.strip() or end.strip()
    ]
    slots = [{"day": day, "start": start, "end": end} for day in days for start, end in chosen]
    try:
        return [load(SlotIn(), slot) for slot in slots]
    except FieldErrors as exc:
        raise FieldErrors(
            {field_name: sorted({m for ms in exc.errors.values() for m in ms})}
        ) from None
