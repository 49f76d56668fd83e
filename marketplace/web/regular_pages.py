"""The pages of regular work, on the contract page: periods and their money, the secretary's
timesheet (a week at a glance, a running total against the cap, a quick entry form that
works on a phone), the business's approval view with totals by kind of hours, and ending
the contract with its notice. The same services as the API (`contracts.periods`)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from flask import flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_date
from flask_babel import gettext as _

from marketplace.accounts.models import User
from marketplace.contracts import periods, urgent
from marketplace.contracts import services as contracts
from marketplace.contracts.models import (
    Contract,
    ContractKind,
    ContractPeriod,
    PeriodStatus,
    RateKind,
    TimeEntry,
)
from marketplace.db import utcnow
from marketplace.errors import FieldErrors
from marketplace.extensions import db
from marketplace.money import euros
from marketplace.urls import external_url
from marketplace.web.blueprint import bp
from marketplace.web.filters import locale_name
from marketplace.web.helpers import refusal_text, refused_as_flash, signed_in


@dataclass
class Day:
    on: date
    entries: list[TimeEntry] = field(default_factory=list)

    @property
    def minutes(self) -> int:
        return sum(e.minutes for e in self.entries)


@dataclass
class PeriodView:
    period: ContractPeriod
    usage: periods.Usage
    days: list[Day]
    auto_approve_on: date | None

    @property
    def left_minutes(self) -> int:
        return max(0, self.period.cap_minutes - self.usage.minutes)

    @property
    def used_percent(self) -> int:
        cap = self.period.cap_minutes or 1
        return min(100, round(100 * self.usage.minutes / cap))


def regular_context(contract: Contract, user: User) -> dict[str, Any]:
    """What the contract page shows of regular work: every period with its usage, and the
    open period's days for the timesheet (in one query for the entries)."""
    items = periods.periods_of(contract)
    used = periods.usages(items)
    entries = periods.entries_of(contract)
    by_period: dict[uuid.UUID, list[TimeEntry]] = defaultdict(list)
    for entry in entries:
        by_period[entry.period_id].append(entry)
    days_wait = contracts.auto_approve_days()
    views = []
    for period in items:
        days = []
        if (period.ends_on - period.starts_on).days <= 31:
            grouped: dict[date, list[TimeEntry]] = defaultdict(list)
            for entry in by_period[period.id]:
                grouped[entry.worked_on].append(entry)
            day = period.starts_on
            while day <= period.ends_on:
                days.append(Day(day, grouped.get(day, [])))
                day += timedelta(days=1)
        auto = (
            (period.submitted_at + days_wait).date()
            if period.status is PeriodStatus.SUBMITTED and period.submitted_at
            else None
        )
        views.append(PeriodView(period, used[period.id], days, auto))
    open_period = next((v for v in views if v.period.status is PeriodStatus.FUNDED), None)
    return {
        "urgent_requests": (
            urgent.requests_of(contract) if contract.kind is ContractKind.RECURRING else []
        ),
        "periods": views,
        "open_period": open_period,
        "rate_kinds": list(RateKind),
        "rates": {kind: periods.rate_for(contract, kind) for kind in RateKind},
        "entry_form": {"date": periods.today().isoformat(), "hours": "", "minutes": ""},
        "today": periods.today(),
    }


def _back(contract: Contract, anchor: str = "periodes") -> ResponseReturnValue:
    return redirect(url_for("web.contract_detail", contract_id=contract.id) + f"#{anchor}")


def _period(user: User, contract_id: uuid.UUID, period_id: uuid.UUID) -> tuple[Contract, Any]:
    contract = periods.regular(contracts.visible_contract(user, contract_id))
    return contract, periods.period_of(contract, period_id)


@bp.post("/contrats/<uuid:contract_id>/periodes/<uuid:period_id>/payer")
def period_fund(contract_id: uuid.UUID, period_id: uuid.UUID) -> ResponseReturnValue:
    user = signed_in()
    contract, period = _period(user, contract_id, period_id)
    with refused_as_flash():
        answer = periods.fund(
            contract,
            period,
            user,
            success_url=external_url(
                "web.contract_detail", contract_id=contract.id, paiement="reussi"
            ),
            cancel_url=external_url(
                "web.contract_detail", contract_id=contract.id, paiement="annule"
            ),
        )
        if answer.payment.checkout_url:
            return redirect(answer.payment.checkout_url, code=303)
        if period.status is PeriodStatus.FUNDED:
            flash(_("Période payée : les fonds sont en séquestre."), "success")
        else:
            flash(_("Paiement en cours de confirmation."), "info")
    return _back(contract)


def _minutes(form: Any) -> int:
    errors: dict[str, str] = {}
    try:
        hours = int(form.get("hours") or 0)
        minutes = int(form.get("minutes") or 0)
    except ValueError:
        raise FieldErrors(
            {"minutes": _("Indiquez des heures et des minutes en chiffres.")}
        ) from None
    total = hours * 60 + minutes
    if hours < 0 or not 0 <= minutes < 60 or not 0 < total <= 1440:
        errors["minutes"] = _("Entre 1 minute et 24 heures.")
    if errors:
        raise FieldErrors(errors)
    return total


@bp.post("/contrats/<uuid:contract_id>/heures")
def time_entry_add(contract_id: uuid.UUID) -> ResponseReturnValue:
    user = signed_in()
    contract = periods.regular(contracts.visible_contract(user, contract_id))
    form = request.form
    try:
        worked_on = date.fromisoformat(form.get("date", ""))
    except ValueError:
        flash(_("Date : indiquez une date valide."), "error")
        return _back(contract, "feuille-de-temps")
    description = (form.get("description") or "").strip()
    try:
        if len(description) < 2:
            raise FieldErrors({"description": _("Décrivez la tâche en quelques mots.")})
        kind = RateKind(form.get("rate_kind", "normal"))
        with refused_as_flash():
            entry = periods.add_entry(
                contract,
                user,
                worked_on=worked_on,
                minutes=_minutes(form),
                description=description[:2000],
                rate_kind=kind,
            )
            flash(
                _("%(minutes)s min enregistrées.", minutes=entry.minutes),
                "success",
            )
    except (FieldErrors, ValueError) as refused:
        db.session.rollback()
        text = refusal_text(refused) if isinstance(refused, FieldErrors) else str(refused)
        flash(text, "error")
    return _back(contract, "feuille-de-temps")


@bp.post("/heures/<uuid:entry_id>/supprimer")
def time_entry_delete(entry_id: uuid.UUID) -> ResponseReturnValue:
    user = signed_in()
    entry, contract = periods.visible_entry(user, entry_id)
    with refused_as_flash():
        periods.delete_entry(entry, contract, user)
        flash(_("Saisie supprimée."), "success")
    return _back(contract, "feuille-de-temps")


@bp.post("/contrats/<uuid:contract_id>/periodes/<uuid:period_id>/envoyer")
def period_submit(contract_id: uuid.UUID, period_id: uuid.UUID) -> ResponseReturnValue:
    user = signed_in()
    contract, period = _period(user, contract_id, period_id)
    with refused_as_flash():
        periods.submit(contract, period, user)
        flash(_("Relevé d'heures envoyé au client pour validation."), "success")
    return _back(contract)


@bp.post("/contrats/<uuid:contract_id>/periodes/<uuid:period_id>/valider")
def period_approve(contract_id: uuid.UUID, period_id: uuid.UUID) -> ResponseReturnValue:
    user = signed_in()
    contract, period = _period(user, contract_id, period_id)
    with refused_as_flash():
        periods.approve(contract, period, user)
        flash(
            _(
                "Relevé validé : %(paid)s versés à %(name)s, %(back)s remboursés.",
                paid=euros(period.released_cents, locale_name()),
                name=contract.secretary.display_name,
                back=euros(period.refunded_cents, locale_name()),
            ),
            "success",
        )
    return _back(contract)


@bp.post("/contrats/<uuid:contract_id>/periodes/<uuid:period_id>/contester")
def period_dispute(contract_id: uuid.UUID, period_id: uuid.UUID) -> ResponseReturnValue:
    user = signed_in()
    contract, period = _period(user, contract_id, period_id)
    reason = (request.form.get("reason") or "").strip()
    if len(reason) < 10:
        flash(_("Décrivez le problème en au moins 10 caractères."), "error")
        return _back(contract)
    with refused_as_flash():
        periods.dispute(contract, period, user, reason[:4000])
        flash(_("Relevé contesté : les fonds restent bloqués pour l'équipe."), "success")
    return _back(contract)


@bp.post("/contrats/<uuid:contract_id>/fin")
def contract_end(contract_id: uuid.UUID) -> ResponseReturnValue:
    user = signed_in()
    contract = periods.regular(contracts.visible_contract(user, contract_id))
    reason = (request.form.get("reason") or "").strip()
    if len(reason) < 2:
        flash(_("Indiquez la raison de la fin du contrat."), "error")
        return _back(contract, "fin")
    with refused_as_flash():
        periods.end(contract, user, reason[:2000])
        if contract.ends_on is not None:
            flash(
                _(
                    "Fin du contrat enregistrée : dernier jour le %(date)s.",
                    date=format_date(contract.ends_on, "long"),
                ),
                "success",
            )
    return _back(contract, "fin")


@bp.post("/contrats/<uuid:contract_id>/urgences")
def urgent_send(contract_id: uuid.UUID) -> ResponseReturnValue:
    user = signed_in()
    contract = periods.regular(contracts.visible_contract(user, contract_id))
    form = request.form
    title = (form.get("title") or "").strip()
    try:
        hours = float((form.get("within_hours") or "").replace(",", "."))
    except ValueError:
        hours = 0
    if len(title) < 3 or not 0 < hours <= 72:
        flash(_("Indiquez la tâche (3 caractères au moins) et un délai de 1 à 72 heures."), "error")
        return _back(contract, "urgences")
    with refused_as_flash():
        urgent.send(
            contract,
            user,
            title=title[:140],
            description=(form.get("description") or "").strip()[:4000],
            deadline=utcnow() + timedelta(hours=hours),
        )
        flash(_("Demande urgente envoyée : elle peut l'accepter ou la décliner."), "success")
    return _back(contract, "urgences")


@bp.post("/urgences/<uuid:request_id>/<any(accepter, decliner):answer>")
def urgent_answer(request_id: uuid.UUID, answer: str) -> ResponseReturnValue:
    user = signed_in()
    urgent_request, contract = urgent.visible_request(user, request_id)
    with refused_as_flash():
        urgent.answer(
            urgent_request,
            contract,
            user,
            accept=answer == "accepter",
            reason=(request.form.get("reason") or "").strip()[:2000],
        )
        flash(
            _("Demande acceptée : saisissez son temps en heures urgentes.")
            if answer == "accepter"
            else _("Demande déclinée."),
            "success",
        )
    return _back(contract, "urgences")
