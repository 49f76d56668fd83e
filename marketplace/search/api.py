"""Matching and search endpoints of API v1."""

from __future__ import annotations

import uuid
from typing import Any

import orjson
from flask import Response
from flask.views import MethodView
from flask_smorest.pagination import PaginationParameters

from marketplace.accounts.auth import api_user_with, optional_api_user
from marketplace.http import Blueprint
from marketplace.missions.services import caller_and_owned_mission, check_owned
from marketplace.pagination import page_body
from marketplace.search import init_app, services
from marketplace.search.schemas import (
    MatchesQuery,
    MatchResults,
    MissionResults,
    MissionSearchQuery,
    SecretaryFilters,
    SecretaryResults,
)
from marketplace.transactions import read_only_request

blp = Blueprint("search", __name__, url_prefix="/api/v1", description="Matching and search")


@blp.record_once
def _init(state: Any) -> None:

    init_app(state.app)


def _hits(results: list[services.SecretaryResult]) -> list[dict[str, Any]]:
    # The cards are the dicts documents.secretary_card wrote, as the SecretaryCard schema
    # documents them (see its docstring), with their badges: they go out as they are,
    # without marshmallow.
    return [
        {
            "secretary": r.secretary,
            "score": r.score,
            "distance_km": r.distance_km,
            "reasons": r.reasons,
            "caveats": r.caveats,
        }
        for r in results
    ]


def _json(payload: dict[str, Any]) -> Response:
    # orjson: compact UTF-8, as json.dumps(ensure_ascii=False) wrote it, several times faster.
    return Response(orjson.dumps(payload), mimetype="application/json")


@blp.route("/missions/<uuid:mission_id>/matches")
class MissionMatches(MethodView):
    @blp.arguments(MatchesQuery(), location="query")
    @blp.response(200, MatchResults)
    def get(self, args: dict[str, Any], mission_id: uuid.UUID) -> Response:
        """Secretaries ranked for this mission, best first, with the reasons (owner only)."""
        read_only_request()
        # The caller and the mission in one query; 401, 403, 404 as owned_mission() answers.
        user, found = api_user_with(caller_and_owned_mission(), mission_id=mission_id)
        mission = check_owned(user, found)
        page = services.matches(mission, args["limit"], args["strict_specialty"])
        return _json(
            {"mission_id": str(mission.id), "total": page.total, "results": _hits(page.results)}
        )


def _paged(args: dict[str, Any], params: PaginationParameters) -> dict[str, Any]:
    return args | {"page": params.page, "per_page": params.page_size}


@blp.route("/search/secretaries")
class SearchSecretaries(MethodView):
    @blp.arguments(SecretaryFilters(), location="query")
    @blp.response(200, SecretaryResults)
    @blp.paginate()
    def get(self, args: dict[str, Any], pagination_parameters: PaginationParameters) -> Response:
        """Search secretaries: filters, then the documented ranking (public)."""
        page = services.search_secretaries(_paged(args, pagination_parameters))
        pagination_parameters.item_count = page.total
        return _json(page_body(pagination_parameters, _hits(page.results)))


@blp.route("/search/missions")
class SearchMissions(MethodView):
    @blp.arguments(MissionSearchQuery, location="query")
    @blp.response(200, MissionResults)
    @blp.paginate()
    def get(
        self, args: dict[str, Any], pagination_parameters: PaginationParameters
    ) -> list[services.MissionResult]:
        """Open missions, best first; a signed-in secretary without filters gets hers."""
        page = services.search_missions(_paged(args, pagination_parameters), optional_api_user())
        pagination_parameters.item_count = page.total
        return page.results
