"""The operator's money view as the API shows it (`GET /api/v1/admin/money`)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from marshmallow import Schema, ValidationError, fields, post_load

from marketplace.operations.money import MAX_MONTHS, Month, current_month


def _month(value: str) -> None:
    try:
        Month.parse(value)
    except ValueError:
        raise ValidationError(_("Mois attendu au format AAAA-MM, par exemple 2026-03.")) from None


class MoneyQuery(Schema):
    """`from` and `to`, months "YYYY-MM" (Europe/Paris), both included; by default the
    twelve months up to the current one."""

    first = fields.String(
        data_key="from",
        load_default=None,
        validate=_month,
        metadata={"description": "First month, YYYY-MM (default: 11 months before `to`)"},
    )
    last = fields.String(
        data_key="to",
        load_default=None,
        validate=_month,
        metadata={"description": "Last month, YYYY-MM (default: the current month)"},
    )

    @post_load
    def _months(self, data: dict[str, Any], **_kwargs: Any) -> dict[str, Month]:
        """The range, defaults filled in: `first` and `last` Months."""
        last = Month.parse(data["last"]) if data.get("last") else current_month()
        if data.get("first"):
            first = Month.parse(data["first"])
            if not data.get("last"):
                last = max(first, last)
        else:
            first = last.minus(11)
        if last < first:
            raise ValidationError(_("Le mois de fin précède le mois de début."), "to")
        if first.count_to(last) > MAX_MONTHS:
            raise ValidationError(
                _("%(max)d mois au plus entre from et to.", max=MAX_MONTHS), "from"
            )
        return {"first": first, "last": last}


class MonthMoneyOut(Schema):
    month = fields.String(required=True, metadata={"description": "YYYY-MM (Europe/Paris)"})
    funded_cents = fields.Integer(
        required=True, metadata={"description": "Paid into escrow by businesses"}
    )
    released_cents = fields.Integer(
        required=True,
        metadata={"description": "Left escrow for the work: paid_out_cents + commission_cents"},
    )
    paid_out_cents = fields.Integer(required=True, metadata={"description": "To secretaries"})
    commission_cents = fields.Integer(
        required=True, metadata={"description": "The platform's commission earned"}
    )
    refunded_cents = fields.Integer(
        required=True, metadata={"description": "Returned from escrow to businesses"}
    )
    held_cents = fields.Integer(
        required=True,
        metadata={
            "description": "Held in escrow at the end of the period: the opening balance "
            "+ funded - released - refunded"
        },
    )
    movements = fields.Integer(required=True, metadata={"description": "Ledger transactions"})


class MoneyByMonthOut(Schema):
    currency = fields.Constant("EUR", required=True)
    first = fields.String(data_key="from", required=True)
    last = fields.String(data_key="to", required=True)
    opening_held_cents = fields.Integer(
        required=True, metadata={"description": "Held in escrow before the first month"}
    )
    months = fields.List(fields.Nested(MonthMoneyOut), required=True)
    totals = fields.Nested(
        MonthMoneyOut,
        required=True,
        metadata={
            "description": "The whole range; `month` is 'from/to', `held_cents` the closing balance"
        },
    )
