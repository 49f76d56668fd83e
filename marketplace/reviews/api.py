from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from flask.views import MethodView

from marketplace.accounts.auth import api_user
from marketplace.accounts.models import Role, User
from marketplace.contracts.services import visible_contract
from marketplace.errors import NotFound
from marketplace.extensions import db
from marketplace.http import Blueprint
from marketplace.pagination import page_of, paginate
from marketplace.reviews import services
from marketplace.reviews.models import Review
from marketplace.reviews.schemas import ReviewIn, ReviewOut
from marketplace.validation import PaginationQuery

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
        return services.post_review(contract, user, data["rating"], data["comment"])


def _published_page(
    subject_role: Role, subject_id: uuid.UUID, args: dict[str, Any]
) -> dict[str, Any]:
    subject = db.session.scalar(
        sa.select(User).where(User.id == subject_id, User.role == subject_role)
    )
    if subject is None:
        raise NotFound()
    total, items = paginate(services.published_about(subject_id), args["page"], args["per_page"])
    avg, count = services.rating_summary(subject_id)
    page = page_of(total, ReviewOut(many=True).dump(items), args["page"], args["per_page"])
    return page | {"rating_avg": avg, "rating_count": count}


@blp.route("/secretaries/<uuid:secretary_id>/reviews")
class SecretaryReviews(MethodView):
    @blp.arguments(PaginationQuery, location="query")
    @blp.response(200)
    def get(self, args: dict[str, Any], secretary_id: uuid.UUID) -> dict[str, Any]:
        """Published reviews about a secretary."""
        return _published_page(Role.SECRETARY, secretary_id, args)


@blp.route("/businesses/<uuid:business_id>/reviews")
class BusinessReviews(MethodView):
    @blp.arguments(PaginationQuery, location="query")
    @blp.response(200)
    def get(self, args: dict[str, Any], business_id: uuid.UUID) -> dict[str, Any]:
        """Published reviews about a business."""
        return _published_page(Role.BUSINESS, business_id, args)
