"""The JSON API of milestones (API.md, Regular work: Milestones): a fixed-price contract
whose bid split the amount, each milestone funded, delivered and approved on its own.

Thin routes over `contracts.milestones`: load the contract the caller may see (404 else),
check the milestone belongs to it, one service call. The contract's own fund, deliver and
approve answer 409 `by_milestones` on such a contract; cancel, dispute and the operator's
resolution stay on the contract and act on its milestones.
"""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView

from marketplace.accounts.auth import api_user
from marketplace.accounts.models import User
from marketplace.contracts import milestones, services
from marketplace.contracts.models import Contract, ContractMilestone
from marketplace.contracts.schemas import FundIn, MilestoneFundOut, MilestoneOut
from marketplace.http import Blueprint

blp = Blueprint(
    "milestones", __name__, url_prefix="/api/v1", description="Milestones of fixed-price work"
)


def shown(items: list[ContractMilestone]) -> list[ContractMilestone]:
    return milestones.with_money(items)


def _contract(user: User, contract_id: uuid.UUID) -> Contract:
    return milestones.by_milestones(services.visible_contract(user, contract_id))


def _milestone(
    user: User, contract_id: uuid.UUID, milestone_id: uuid.UUID
) -> tuple[Contract, ContractMilestone]:
    contract = _contract(user, contract_id)
    return contract, milestones.milestone_of(contract, milestone_id)


@blp.route("/contracts/<uuid:contract_id>/milestones")
class Milestones(MethodView):
    @blp.response(200, MilestoneOut(many=True))
    def get(self, contract_id: uuid.UUID) -> list[ContractMilestone]:
        """The contract's milestones in order, each with its status and money (409
        `no_milestones` for a contract paid at once)."""
        return shown(milestones.milestones_of(_contract(api_user(), contract_id)))


@blp.route("/contracts/<uuid:contract_id>/milestones/<uuid:milestone_id>")
class MilestoneItem(MethodView):
    @blp.response(200, MilestoneOut)
    def get(self, contract_id: uuid.UUID, milestone_id: uuid.UUID) -> ContractMilestone:
        return shown([_milestone(api_user(), contract_id, milestone_id)[1]])[0]


@blp.route("/contracts/<uuid:contract_id>/milestones/<uuid:milestone_id>/fund")
class MilestoneFund(MethodView):
    @blp.arguments(FundIn)
    @blp.response(200, MilestoneFundOut)
    def post(
        self, data: dict[str, Any], contract_id: uuid.UUID, milestone_id: uuid.UUID
    ) -> dict[str, Any]:
        """Pay one milestone into escrow (business). With Stripe it is funded when the
        payment succeeds (webhook); with the sandbox at once. The contract is `funded` from
        its first funded milestone."""
        user = api_user()
        contract, milestone = _milestone(user, contract_id, milestone_id)
        answer = milestones.fund(
            contract,
            milestone,
            user,
            success_url=data["success_url"],
            cancel_url=data["cancel_url"],
        )
        return {
            "id": milestone.id,
            "status": milestone.status.value,
            "payment": {
                "provider": contract.payment_provider,
                "reference": answer.payment.reference,
                "client_secret": answer.payment.client_secret,
                "checkout_url": answer.payment.checkout_url,
            },
            "milestone": shown([milestone])[0],
        }


def _action(name: str, doc: str) -> type[MethodView]:
    class Action(MethodView):
        @blp.response(200, MilestoneOut)
        def post(self, contract_id: uuid.UUID, milestone_id: uuid.UUID) -> ContractMilestone:
            user = api_user()
            contract, milestone = _milestone(user, contract_id, milestone_id)
            getattr(milestones, name)(contract, milestone, user)
            return shown([milestone])[0]

    Action.post.__doc__ = doc
    Action.__name__ = f"Milestone{name.title()}"
    return Action


blp.route("/contracts/<uuid:contract_id>/milestones/<uuid:milestone_id>/deliver")(
    _action("deliver", "Mark the milestone delivered (secretary).")
)
blp.route("/contracts/<uuid:contract_id>/milestones/<uuid:milestone_id>/approve")(
    _action(
        "approve",
        "Approve the delivered milestone (business): its amount minus its commission is paid "
        "to the secretary and its invoices issued; the contract is `released` with its last "
        "milestone. 409 `payout_pending` while she cannot be paid yet.",
    )
)
