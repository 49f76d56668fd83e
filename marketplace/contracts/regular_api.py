"""The JSON API of regular work (API.md, Regular work): periods, time entries, ending.

Thin routes over `contracts.periods`: load the contract the caller may see (404 else),
then one service call. The period and entry ids are checked to belong to the contract.
"""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView

from marketplace.accounts.auth import api_user
from marketplace.accounts.models import Role, User
from marketplace.contracts import periods, services, urgent
from marketplace.contracts.api import shown
from marketplace.contracts.models import Contract, ContractPeriod, PeriodStatus, RateKind
from marketplace.contracts.schemas import (
    ContractOut,
    DeclineIn,
    DisputeIn,
    EndIn,
    FundIn,
    PeriodFundOut,
    PeriodOut,
    ResolveIn,
    TimeEntryIn,
    TimeEntryOut,
    TimeEntryPatch,
    TimeEntryQuery,
    UrgentRequestIn,
    UrgentRequestOut,
)
from marketplace.http import Blueprint

blp = Blueprint(
    "regular_work", __name__, url_prefix="/api/v1", description="Regular work: periods and time"
)


def _with_usage(items: list[ContractPeriod], contract: Contract) -> list[ContractPeriod]:
    used = periods.usages(items)
    days = services.auto_approve_days()
    for period in items:
        period.usage = used[period.id]
        period.auto_approve_at = (
            period.submitted_at + days
            if period.status is PeriodStatus.SUBMITTED and period.submitted_at
            else None
        )
    return items


def _regular(user: User, contract_id: uuid.UUID) -> Contract:
    return periods.regular(services.visible_contract(user, contract_id))


def _period(user: User, contract_id: uuid.UUID, period_id: uuid.UUID) -> tuple[Contract, Any]:
    contract = _regular(user, contract_id)
    return contract, periods.period_of(contract, period_id)


@blp.route("/contracts/<uuid:contract_id>/periods")
class Periods(MethodView):
    @blp.response(200, PeriodOut(many=True))
    def get(self, contract_id: uuid.UUID) -> list[ContractPeriod]:
        """The contract's periods, oldest first, with their money and the time logged."""
        contract = _regular(api_user(), contract_id)
        return _with_usage(periods.periods_of(contract), contract)


@blp.route("/contracts/<uuid:contract_id>/periods/<uuid:period_id>")
class PeriodItem(MethodView):
    @blp.response(200, PeriodOut)
    def get(self, contract_id: uuid.UUID, period_id: uuid.UUID) -> ContractPeriod:
        contract, period = _period(api_user(), contract_id, period_id)
        return _with_usage([period], contract)[0]


@blp.route("/contracts/<uuid:contract_id>/periods/<uuid:period_id>/fund")
class PeriodFund(MethodView):
    @blp.arguments(FundIn)
    @blp.response(200, PeriodFundOut)
    def post(
        self, data: dict[str, Any], contract_id: uuid.UUID, period_id: uuid.UUID
    ) -> dict[str, Any]:
        """Pay a period into escrow (business). With Stripe its payment method is kept and the
        next periods are charged off-session before they start."""
        user = api_user()
        contract, period = _period(user, contract_id, period_id)
        answer = periods.fund(
            contract, period, user, success_url=data["success_url"], cancel_url=data["cancel_url"]
        )
        return {
            "id": period.id,
            "status": period.status.value,
            "payment": {
                "provider": contract.payment_provider,
                "reference": answer.payment.reference,
                "client_secret": answer.payment.client_secret,
                "checkout_url": answer.payment.checkout_url,
            },
            "period": _with_usage([period], contract)[0],
        }


def _period_action(name: str, doc: str) -> type[MethodView]:
    class Action(MethodView):
        @blp.response(200, PeriodOut)
        def post(self, contract_id: uuid.UUID, period_id: uuid.UUID) -> ContractPeriod:
            user = api_user()
            contract, period = _period(user, contract_id, period_id)
            getattr(periods, name)(contract, period, user)
            return _with_usage([period], contract)[0]

    Action.post.__doc__ = doc
    Action.__name__ = f"Period{name.title()}"
    return Action


blp.route("/contracts/<uuid:contract_id>/periods/<uuid:period_id>/submit")(
    _period_action("submit", "Send the period's timesheet to the business (secretary).")
)
blp.route("/contracts/<uuid:contract_id>/periods/<uuid:period_id>/approve")(
    _period_action(
        "approve",
        "Approve the timesheet (business): the logged amount is paid to her minus the "
        "commission, the unused rest refunded, the invoices issued.",
    )
)


@blp.route("/contracts/<uuid:contract_id>/periods/<uuid:period_id>/dispute")
class PeriodDispute(MethodView):
    @blp.arguments(DisputeIn)
    @blp.response(200, PeriodOut)
    def post(
        self, data: dict[str, Any], contract_id: uuid.UUID, period_id: uuid.UUID
    ) -> ContractPeriod:
        """Dispute a submitted timesheet (business); the money stays held for the operator."""
        user = api_user()
        contract, period = _period(user, contract_id, period_id)
        periods.dispute(contract, period, user, data["reason"])
        return _with_usage([period], contract)[0]


@blp.route("/admin/contracts/<uuid:contract_id>/periods/<uuid:period_id>/resolve")
class PeriodResolve(MethodView):
    @blp.arguments(ResolveIn)
    @blp.response(200, PeriodOut)
    def post(
        self, data: dict[str, Any], contract_id: uuid.UUID, period_id: uuid.UUID
    ) -> ContractPeriod:
        """Split a disputed period's escrow (operator); the two add up to what it holds."""
        user = api_user(Role.OPERATOR)
        contract, period = _period(user, contract_id, period_id)
        periods.resolve(
            contract, period, user, data["release_cents"], data["refund_cents"], data["note"]
        )
        return _with_usage([period], contract)[0]


@blp.route("/contracts/<uuid:contract_id>/time-entries")
class TimeEntries(MethodView):
    @blp.arguments(TimeEntryQuery, location="query")
    @blp.response(200, TimeEntryOut(many=True))
    def get(self, args: dict[str, Any], contract_id: uuid.UUID) -> list[Any]:
        """The time logged on the contract (`period_id` for one period), by date."""
        contract = _regular(api_user(), contract_id)
        if args["period_id"] is not None:
            periods.period_of(contract, args["period_id"])
        return periods.entries_of(contract, args["period_id"])

    @blp.arguments(TimeEntryIn)
    @blp.response(201, TimeEntryOut)
    def post(self, data: dict[str, Any], contract_id: uuid.UUID) -> Any:
        """Log time in a funded period (secretary): priced with her surcharge for the kind of
        hours; 409 `over_cap` past the period's cap."""
        user = api_user(Role.SECRETARY)
        contract = _regular(user, contract_id)
        return periods.add_entry(
            contract,
            user,
            worked_on=data["date"],
            minutes=data["minutes"],
            description=data["description"].strip(),
            rate_kind=RateKind(data["rate_kind"]),
            urgent_request_id=data["urgent_request_id"],
        )


def _changes(data: dict[str, Any]) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if "date" in data:
        changes["worked_on"] = data["date"]
    if "minutes" in data:
        changes["minutes"] = data["minutes"]
    if "description" in data:
        changes["description"] = data["description"].strip()
    if "rate_kind" in data:
        changes["rate_kind"] = RateKind(data["rate_kind"])
    return changes


@blp.route("/time-entries/<uuid:entry_id>")
class TimeEntryItem(MethodView):
    @blp.response(200, TimeEntryOut)
    def get(self, entry_id: uuid.UUID) -> Any:
        entry, _contract = periods.visible_entry(api_user(), entry_id)
        return entry

    @blp.arguments(TimeEntryPatch(partial=True))
    @blp.response(200, TimeEntryOut)
    def patch(self, data: dict[str, Any], entry_id: uuid.UUID) -> Any:
        """Change a time entry while its period is open (secretary)."""
        user = api_user(Role.SECRETARY)
        entry, contract = periods.visible_entry(user, entry_id)
        return periods.update_entry(entry, contract, user, **_changes(data))

    @blp.response(204)
    def delete(self, entry_id: uuid.UUID) -> None:
        """Delete a time entry while its period is open (secretary)."""
        user = api_user(Role.SECRETARY)
        entry, contract = periods.visible_entry(user, entry_id)
        periods.delete_entry(entry, contract, user)


@blp.route("/contracts/<uuid:contract_id>/end")
class ContractEnd(MethodView):
    @blp.arguments(EndIn)
    @blp.response(200, ContractOut)
    def post(self, data: dict[str, Any], contract_id: uuid.UUID) -> Contract:
        """End the contract (either party): it ends after its notice (`ends_on`); the last
        period is prorated and none is funded past it."""
        user = api_user()
        contract = _regular(user, contract_id)
        return shown(periods.end(contract, user, data["reason"].strip()), user)


@blp.route("/contracts/<uuid:contract_id>/urgent-requests")
class UrgentRequests(MethodView):
    @blp.response(200, UrgentRequestOut(many=True))
    def get(self, contract_id: uuid.UUID) -> list[Any]:
        """The contract's urgent requests, newest first (past their deadline: expired)."""
        contract = _regular(api_user(), contract_id)
        return urgent.requests_of(contract)

    @blp.arguments(UrgentRequestIn)
    @blp.response(201, UrgentRequestOut)
    def post(self, data: dict[str, Any], contract_id: uuid.UUID) -> Any:
        """Ask for an urgent task with a deadline (business, recurring contract in progress);
        she may accept it (billed at her urgent surcharge) or decline it."""
        user = api_user(Role.BUSINESS)
        contract = _regular(user, contract_id)
        return urgent.send(
            contract,
            user,
            title=data["title"].strip(),
            description=data["description"].strip(),
            deadline=data["deadline"],
        )


@blp.route("/urgent-requests/<uuid:request_id>/accept")
class UrgentAccept(MethodView):
    @blp.response(200, UrgentRequestOut)
    def post(self, request_id: uuid.UUID) -> Any:
        """Accept an urgent request (secretary) before its deadline."""
        user = api_user(Role.SECRETARY)
        request, contract = urgent.visible_request(user, request_id)
        return urgent.answer(request, contract, user, accept=True)


@blp.route("/urgent-requests/<uuid:request_id>/decline")
class UrgentDecline(MethodView):
    @blp.arguments(DeclineIn, required=False)
    @blp.response(200, UrgentRequestOut)
    def post(self, data: dict[str, Any] | None, request_id: uuid.UUID) -> Any:
        """Decline an urgent request (secretary): nobody can order her to drop everything."""
        user = api_user(Role.SECRETARY)
        request, contract = urgent.visible_request(user, request_id)
        reason = ((data or {}).get("reason") or "").strip()
        return urgent.answer(request, contract, user, accept=False, reason=reason)
