from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from flask.views import MethodView
from flask_smorest.pagination import PaginationParameters

from marketplace.accounts.auth import api_user
from marketplace.accounts.models import Role, User
from marketplace.contracts import services as contracts
from marketplace.contracts.services import visible_contract
from marketplace.errors import NotFound
from marketplace.extensions import db
from marketplace.http import Blueprint
from marketplace.pagination import SelectPage
from marketplace.reviews import services
from marketplace.reviews.models import Review
from marketplace.reviews.schemas import ReviewIn, ReviewOut, ReviewPage

blp = Blueprint("reviews", __name__, url_prefix="/api/v1", description="Reviews")


@blp.route("/contracts/<uuid:contract_id>/reviews")
class ContractReviews(MethodView):
    @blp.response(200, ReviewOut(many=True))
    def get(self, contract_id: uuid.UUID) -> list[Review]:
        """Published reviews of this contract, plus the caller's own."""
        user = api_user()
        return services.reviews_on_contract(visible_contract(user, contract_id), user)

    @blp.arguments(ReviewIn)
    @blp.response(201, ReviewOut)
    def post(self, data: dict[str, Any], contract_id: uuid.UUID) -> Review:
        """Rate the other party, once, after the contract is released or resolved."""
        user = api_user(Role.BUSINESS, Role.SECRETARY)
        contract = visible_contract(user, contract_id)
        return contracts.review(contract, user, data["rating"], data["comment"])


def _published(
    subject_role: Role, subject_id: uuid.UUID, params: PaginationParameters
) -> dict[str, Any]:
    subject = db.session.scalar(
        sa.select(User).where(User.id == subject_id, User.role == subject_role)
    )
    if subject is None:
        raise NotFound()
    avg, count = services.rating_summary(subject_id)
    return {
        "results": SelectPage(services.published_about(subject_id), params).items,
        "rating_avg": avg,
        "rating_count": count,
    }


@blp.route("/secretaries/<uuid:secretary_id>/reviews")
class SecretaryReviews(MethodView):
    @blp.response(200, ReviewPage)
    @blp.paginate()
    def get(
        self, secretary_id: uuid.UUID, pagination_parameters: PaginationParameters
    ) -> dict[str, Any]:
        """Published reviews about a secretary."""
        return _published(Role.SECRETARY, secretary_id, pagination_parameters)


@blp.route("/businesses/<uuid:business_id>/reviews")
class BusinessReviews(MethodView):
    @blp.response(200, ReviewPage)
    @blp.paginate()
    def get(
        self, business_id: uuid.UUID, pagination_parameters: PaginationParameters
    ) -> dict[str, Any]:
        """Published reviews about a business."""
        return _published(Role.BUSINESS, business_id, pagination_parameters)
