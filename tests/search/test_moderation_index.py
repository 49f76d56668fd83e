"""A suspended secretary leaves the Elasticsearch index with the suspension, and comes back."""

from __future__ import annotations

import uuid

from flask import Flask

from tests.conftest import ApiClient
from tests.search.helpers import business, mission, secretary
from tests.search.test_outbox import indexed

SECRETARIES = "/api/v1/search/secretaries"


def test_suspension_and_restore_follow_through_the_outbox(es_app: Flask):
    from marketplace.accounts.services import create_operator
    from marketplace.moderation import services as moderation

    api = ApiClient(es_app.test_client())
    sec = secretary(api, "Claire Dubois")
    owner = business(api)
    mission_id = mission(api, owner)["id"]
    assert indexed(es_app, "secretary", sec["id"]) is not None
    assert indexed(es_app, "mission", mission_id) is not None

    with es_app.app_context():
        ops = create_operator(f"ops-{uuid.uuid4().hex[:6]}@exemple.fr", "motdepasse-operateur")
        ops_id = ops.id
        moderation.suspend_account(ops, uuid.UUID(sec["id"]), "Profil frauduleux, signalé.")
        closed = moderation.suspend_account(
            ops, uuid.UUID(owner["id"]), "Demande de paiement hors plateforme."
        )
        assert [str(m.id) for m in closed] == [mission_id]
    assert indexed(es_app, "secretary", sec["id"]) is None
    assert indexed(es_app, "mission", mission_id) is None
    _s, found = api.get(SECRETARIES)
    assert sec["id"] not in [r["secretary"]["id"] for r in found["results"]]

    with es_app.app_context():
        ops = moderation.get_account(ops_id)
        moderation.restore_account(ops, uuid.UUID(sec["id"]), "Vérification faite, tout va bien.")
    assert indexed(es_app, "secretary", sec["id"]) is not None
    assert indexed(es_app, "mission", mission_id) is None  # closed missions stay closed
