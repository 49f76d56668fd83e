"""Schemathesis over the whole API, from its own OpenAPI document, in-process.

Every operation of /api/v1/openapi.json (47) gets up to CASES_PER_OPERATION generated
requests, valid and invalid ones (about 1,030 in all, half a minute), sent to the Flask app
through the WSGI transport. Two checks: no 5xx (`not_a_server_error`) and every answer
matches the schema documented for its status (`response_schema_conformance`). The requests
carry real bearer tokens, in turn a business's, a secretary's and an operator's, and the
ids in paths are often those of a real mission, quote, contract and people (a deal walked
to `funded` first), so the protected operations run past their 401 and 404.
Derandomized: CI sees the same cases.

Each operation is one test in one rolled-back transaction (tests/conftest.py), like any
other test; the deal is made again for each.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from marketplace import create_app
from tests import factories as f

CASES_PER_OPERATION = 25
CHECKS = [not_a_server_error, response_schema_conformance]


def _spec_app() -> Flask:
    """An app for reading the OpenAPI document at collection time: it needs no database
    (schemathesis' fixture-based loader does not run under pytest 9). The cases are sent to
    the test app (`app` fixture) instead."""
    return create_app(
        env={
            "DATABASE_URL": "postgresql+psycopg://unused@127.0.0.1:1/unused",
            "SECRET_KEY": "openapi-only-key-never-serves",
            "PUBLIC_URL": "http://localhost",
        }
    )


# Examples and fuzzing only: the coverage phase adds its own boundary cases on top of
# max_examples (about 65 per operation here, 3,000 in all), which the bound is meant to cap.
CONFIG = schemathesis.config.SchemathesisConfig.from_dict(
    {"phases": {"coverage": {"enabled": False}}}
)
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", _spec_app(), config=CONFIG)


class World:
    """Real accounts and objects for the generated requests to land on."""

    def __init__(self, api: Any, app: Flask) -> None:
        deal = f.Deal(api, through_api=True).to("funded")
        operator = f.operator(api, app)
        self.tokens = [deal.business["token"], deal.secretary["token"], operator["token"]]
        self.ids = {
            "mission_id": deal.mission["id"],
            "bid_id": deal.bid["id"],
            "contract_id": deal.contract_id,
            "secretary_id": deal.secretary["id"],
            "business_id": deal.business["id"],
        }
        self._turn = itertools.count()

    def prepare(self, case: Any) -> dict[str, str]:
        """The next token in turn; two cases in three aim at the real objects."""
        turn = next(self._turn)
        if turn % 3 != 2:
            for name in case.path_parameters or {}:
                if name in self.ids:
                    case.path_parameters[name] = self.ids[name]
        # The WSGI transport hands the body over as sent and does not decode Brotli: ask
        # for it uncompressed (tests/web/test_static_assets.py covers the compression).
        return {
            "Authorization": f"Bearer {self.tokens[turn % len(self.tokens)]}",
            "Accept-Encoding": "identity",
        }


@pytest.fixture
def world(api: Any, app: Flask) -> World:
    return World(api, app)


@schema.parametrize()
@settings(
    max_examples=CASES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    database=None,
    # `world` is made once per operation and shared by its cases, on purpose.
    suppress_health_check=list(HealthCheck),
)
def test_the_api_answers_every_generated_request_as_documented(
    case: Any, world: World, app: Flask
) -> None:
    headers = world.prepare(case)
    case.call_and_validate(headers=headers, checks=CHECKS, app=app)
