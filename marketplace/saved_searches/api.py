"""Saved searches API (API.md, Saved searches)."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView
from flask_smorest.pagination import PaginationParameters

from marketplace.accounts.auth import api_user
from marketplace.accounts.models import Role
from marketplace.http import Blueprint
from marketplace.pagination import SelectPage
from marketplace.saved_searches import services
from marketplace.saved_searches.schemas import SavedSearchIn, SavedSearchOut, SavedSearchPage

blp = Blueprint(
    "saved_searches", __name__, url_prefix="/api/v1", description="Saved searches and alerts"
)

PEOPLE = (Role.BUSINESS, Role.SECRETARY)


@blp.route("/saved-searches")
class SavedSearches(MethodView):
    @blp.response(200, SavedSearchPage)
    @blp.paginate()
    def get(self, pagination_parameters: PaginationParameters) -> dict[str, Any]:
        """The caller's saved searches, newest first."""
        user = api_user(*PEOPLE)
        items = SelectPage(services.searches_of(user), pagination_parameters).items
        return {"results": services.shown_all(items)}

    @blp.arguments(SavedSearchIn)
    @blp.response(201, SavedSearchOut)
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Save a search (a business: of secretaries; a secretary: of missions); with `alert`,
        a new or changed one that fits it sends one `saved_search_match` notification."""
        user = api_user(*PEOPLE)
        saved = services.save(user, data["kind"], data["criteria"], data["alert"])
        return services.shown(saved)


@blp.route("/saved-searches/<uuid:search_id>")
class SavedSearchItem(MethodView):
    @blp.response(204)
    def delete(self, search_id: uuid.UUID) -> None:
        """Delete one of the caller's saved searches (another's is 404)."""
        services.delete(api_user(*PEOPLE), search_id)
