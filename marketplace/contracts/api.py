from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView
from flask_smorest.pagination import PaginationParameters

from marketplace.accounts.auth import api_user
from marketplace.accounts.models import Role, User
from marketplace.bids import services as bids
from marketplace.contracts import credits, services, view
from marketplace.contracts.models import Contract, ContractStatus
from marketplace.contracts.schemas import (
    CancelIn,
    ContractEventOut,
    ContractListQuery,
    ContractOut,
    ContractPage,
    DisputeIn,
    FundIn,
    FundOut,
    LedgerOut,
    ResolveIn,
)
from marketplace.conversations import services as conversations
from marketplace.conversations.schemas import DeliverIn
from marketplace.http import Blueprint
from marketplace.pagination import SelectPage
from marketplace.payments import ledger
from marketplace.payments.schemas import CreditIn, CreditOut

blp = Blueprint("contracts", __name__, url_prefix="/api/v1", description="Contracts and escrow")


def shown(contract: Contract, user: User) -> Contract:
    """Attach the caller's view of the contract (`contracts.view`) for ContractOut."""
    contract.view = view.view(contract, user)
    return contract


def shown_all(contracts: list[Contract], user: User) -> list[Contract]:
    for contract, seen in zip(contracts, view.build(contracts, user), strict=True):
        contract.view = seen
    return contracts


# --- hiring ---------------------------------------------------------------


@blp.route("/bids/<uuid:bid_id>/accept")
class BidAccept(MethodView):
    @blp.response(201, ContractOut)
    def post(self, bid_id: uuid.UUID) -> Contract:
        """Accept a bid (mission owner): creates the contract, declines the other bids."""
        user = api_user(Role.BUSINESS)
        return shown(services.hire(bids.visible_bid(user, bid_id), user), user)


# --- contracts ------------------------------------------------------------


def _page(user: User, args: dict[str, Any], pagination: PaginationParameters) -> list[Contract]:
    """One page of the contracts `user` sees, filtered by status, each with its view."""
    status = ContractStatus(args["status"]) if args["status"] else None
    items = SelectPage(services.contracts_for(user, status), pagination).items
    return shown_all(items, user)


@blp.route("/contracts")
class Contracts(MethodView):
    @blp.arguments(ContractListQuery, location="query")
    @blp.response(200, ContractPage)
    @blp.paginate()
    def get(self, args: dict[str, Any], pagination_parameters: PaginationParameters) -> Any:
        """The caller's contracts (an operator sees all)."""
        return _page(api_user(), args, pagination_parameters)


@blp.route("/contracts/<uuid:contract_id>")
class ContractItem(MethodView):
    @blp.response(200, ContractOut)
    def get(self, contract_id: uuid.UUID) -> Contract:
        """A contract (its two parties and operators)."""
        user = api_user()
        return shown(services.visible_contract(user, contract_id), user)


@blp.route("/contracts/<uuid:contract_id>/events")
class ContractEvents(MethodView):
    @blp.response(200, ContractEventOut(many=True))
    def get(self, contract_id: uuid.UUID) -> list[Any]:
        """The contract's history: every transition, who made it and when."""
        return list(services.visible_contract(api_user(), contract_id).events)


@blp.route("/contracts/<uuid:contract_id>/fund")
class ContractFund(MethodView):
    @blp.arguments(FundIn)
    @blp.response(200, FundOut)
    def post(self, data: dict[str, Any], contract_id: uuid.UUID) -> dict[str, Any]:
        """Pay the contract amount into escrow (business)."""
        user = api_user()
        contract = services.visible_contract(user, contract_id)
        answer = services.fund(
            contract, user, success_url=data["success_url"], cancel_url=data["cancel_url"]
        )
        payment = answer.payment
        return {
            "id": contract.id,
            "status": contract.status.value,
            "payment": {
                "provider": contract.payment_provider,
                "reference": payment.reference,
                "client_secret": payment.client_secret,
                "checkout_url": payment.checkout_url,
            },
            "contract": shown(contract, user),
        }


@blp.route("/contracts/<uuid:contract_id>/deliver")
class ContractDeliver(MethodView):
    @blp.arguments(DeliverIn, required=False)
    @blp.response(200, ContractOut)
    def post(self, data: dict[str, Any] | None, contract_id: uuid.UUID) -> Contract:
        """Mark the work delivered (secretary), optionally with a `note` and the files
        uploaded before (`attachment_ids`): they appear in the conversation and on the
        contract for the business's review."""
        user = api_user()
        contract = services.visible_contract(user, contract_id)
        data = data or {}
        delivered = conversations.deliver(
            contract, user, data.get("note", ""), data.get("attachment_ids", [])
        )
        return shown(delivered, user)


@blp.route("/contracts/<uuid:contract_id>/approve")
class ContractApprove(MethodView):
    @blp.response(200, ContractOut)
    def post(self, contract_id: uuid.UUID) -> Contract:
        """Approve the work: escrow is released to the secretary (business). If she cannot
        be paid yet, the approval is recorded and `payout_pending` says why."""
        user = api_user()
        contract = services.visible_contract(user, contract_id)
        return shown(services.approve(contract, user), user)


@blp.route("/contracts/<uuid:contract_id>/cancel")
class ContractCancel(MethodView):
    @blp.arguments(CancelIn)
    @blp.response(200, ContractOut)
    def post(self, data: dict[str, Any], contract_id: uuid.UUID) -> Contract:
        """Cancel before delivery; funded money is refunded (either party)."""
        user = api_user()
        contract = services.visible_contract(user, contract_id)
        return shown(services.cancel(contract, user, data.get("reason", "")), user)


@blp.route("/contracts/<uuid:contract_id>/dispute")
class ContractDispute(MethodView):
    @blp.arguments(DisputeIn)
    @blp.response(200, ContractOut)
    def post(self, data: dict[str, Any], contract_id: uuid.UUID) -> Contract:
        """Open a dispute; the operator will resolve it (either party)."""
        user = api_user()
        contract = services.visible_contract(user, contract_id)
        return shown(services.dispute(contract, user, data["reason"]), user)


@blp.route("/contracts/<uuid:contract_id>/ledger")
class ContractLedger(MethodView):
    @blp.response(200, LedgerOut)
    def get(self, contract_id: uuid.UUID) -> dict[str, Any]:
        """The contract's money movements; every movement's legs sum to zero."""
        contract = services.visible_contract(api_user(), contract_id)
        summary = ledger.summary(contract.id)
        return {
            "contract_id": contract.id,
            "entries": summary.entries,
            "balances": summary.balances,
            "held_cents": summary.held_cents,
            "balanced": summary.balanced,
        }


# --- operator -------------------------------------------------------------


@blp.route("/admin/contracts")
class AdminContracts(MethodView):
    @blp.arguments(ContractListQuery, location="query")
    @blp.response(200, ContractPage)
    @blp.paginate()
    def get(self, args: dict[str, Any], pagination_parameters: PaginationParameters) -> Any:
        """Every contract, filtered by status (operator), e.g. `status=disputed`."""
        return _page(api_user(Role.OPERATOR), args, pagination_parameters)


@blp.route("/contracts/<uuid:contract_id>/credit-notes")
class ContractCredit(MethodView):
    @blp.arguments(CreditIn)
    @blp.response(201, CreditOut)
    def post(self, data: dict[str, Any], contract_id: uuid.UUID) -> dict[str, Any]:
        """Refund after release (the secretary): `amount_cents` of one of her released service
        invoices goes back to the business (from her payout, and the platform's commission
        on it), with the credit notes (avoirs) of her invoice and of the commission invoice.
        Once per invoice (409 `already_credited`)."""
        user = api_user(Role.SECRETARY)
        contract = services.visible_contract(user, contract_id)
        notes = credits.credit(
            contract, user, data["invoice_id"], data["amount_cents"], data["reason"]
        )
        return {"credit_notes": notes}


@blp.route("/admin/contracts/<uuid:contract_id>/resolve")
class AdminResolve(MethodView):
    @blp.arguments(ResolveIn)
    @blp.response(200, ContractOut)
    def post(self, data: dict[str, Any], contract_id: uuid.UUID) -> Contract:
        """Resolve a dispute (operator): `release_cents + refund_cents` = the amount held."""
        user = api_user(Role.OPERATOR)
        contract = services.visible_contract(user, contract_id)
        services.resolve(contract, user, data["release_cents"], data["refund_cents"], data["note"])
        return shown(contract, user)
