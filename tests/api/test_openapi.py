from __future__ import annotations

import re

from tests import factories as f
from tests.conversations.steps import message_with_file

API_PATHS = [
    "/api/v1/taxonomy",
    "/api/v1/auth/register",
    "/api/v1/auth/token",
    "/api/v1/me",
    "/api/v1/me/profile",
    "/api/v1/me/email",
    "/api/v1/me/export",
    "/api/v1/secretaries/{secretary_id}",
    "/api/v1/missions",
    "/api/v1/missions/{mission_id}",
    "/api/v1/missions/{mission_id}/close",
    "/api/v1/missions/{mission_id}/invitations",
    "/api/v1/missions/{mission_id}/bids",
    "/api/v1/bids/{bid_id}/withdraw",
    "/api/v1/bids/{bid_id}/accept",
    "/api/v1/contracts/{contract_id}",
    "/api/v1/contracts/{contract_id}/fund",
    "/api/v1/contracts/{contract_id}/deliver",
    "/api/v1/contracts/{contract_id}/approve",
    "/api/v1/contracts/{contract_id}/cancel",
    "/api/v1/contracts/{contract_id}/dispute",
    "/api/v1/admin/contracts/{contract_id}/resolve",
    "/api/v1/contracts/{contract_id}/ledger",
    "/api/v1/contracts/{contract_id}/reviews",
    "/api/v1/secretaries/{secretary_id}/reviews",
    "/api/v1/businesses/{business_id}/reviews",
]


def test_openapi_document_lists_the_contract(client) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    assert spec["openapi"].startswith("3.")
    missing = [p for p in API_PATHS if p not in spec["paths"]]
    assert missing == []
    assert "bearer" in spec["components"]["securitySchemes"]


def test_docs_page_loads_nothing_from_outside(client) -> None:
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "swagger-ui-bundle.js" in html
    assert '"validatorUrl": null' in html  # no badge fetched from validator.swagger.io
    external = [
        u
        for u in re.findall(r'(?:src|href)="([^"]+)"', html)
        if u.startswith(("http://", "https://", "//"))
    ]
    assert external == []
    for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', html):
        asset_response = client.get(asset)
        asset_response.close()
        assert asset_response.status_code == 200, asset


def test_unknown_api_path_is_json_404(client) -> None:
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["code"] == 404


# --- the document describes every answer -----------------------------------------------

# Collections answered as a bare JSON array, kept so for the clients that read them: each is
# bounded by its parent (one mission's bids and invitations, one contract's history,
# invoices and two reviews). Any other list must be a page.
BARE_LISTS = {
    "/api/v1/missions/{mission_id}/bids",
    "/api/v1/missions/{mission_id}/invitations",
    "/api/v1/contracts/{contract_id}/events",
    "/api/v1/contracts/{contract_id}/invoices",
    "/api/v1/contracts/{contract_id}/reviews",
    # Regular work, one contract's: API.md fixes the periods as an array; time entries are
    # read a period at a time (`?period_id=`); urgent requests are few per contract.
    "/api/v1/contracts/{contract_id}/periods",
    "/api/v1/contracts/{contract_id}/time-entries",
    "/api/v1/contracts/{contract_id}/urgent-requests",
    # A fixed contract's milestones: API.md fixes them as an array (ten at most).
    "/api/v1/contracts/{contract_id}/milestones",
    # Compliance: API.md fixes the tax statements as an array (one per year); a secretary
    # uploads an URSSAF attestation every six months.
    "/api/v1/me/tax-statements",
    "/api/v1/me/vigilance-documents",
}
# A ranked top-N (`?limit=`), not a paginated list: API.md fixes it so.
MATCHES = "/api/v1/missions/{mission_id}/matches"
PAGE_FIELDS = {"total", "page", "per_page", "results"}


def _spec(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def _operations(spec: dict):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method != "parameters":
                yield path, method, operation


def _resolve(spec: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rpartition("/")[2]]
    return schema


def _success_schemas(operation: dict) -> dict[str, dict | None]:
    """Each success status with its documented schema (None: no body documented)."""
    found = {}
    for code, response in operation["responses"].items():
        if code.startswith("2"):
            content = response.get("content", {})
            found[code] = next(iter(content.values())).get("schema") if content else None
    return found


def _success_schema(operation: dict) -> dict | None:
    return next(iter(_success_schemas(operation).values()))


def test_every_operation_documents_its_answer_schema(client) -> None:
    spec = _spec(client)
    missing = [
        f"{method.upper()} {path} {code}"
        for path, method, operation in _operations(spec)
        for code, schema in _success_schemas(operation).items()
        if schema is None and code != "204"
    ]
    assert missing == []
    for path, method, operation in _operations(spec):
        assert operation["responses"]["default"] == {
            "$ref": "#/components/responses/DEFAULT_ERROR"
        }, (method, path)


def test_the_error_schema_is_the_error_every_answer_carries(client, api) -> None:
    spec = _spec(client)
    error = spec["components"]["schemas"]["Error"]
    assert set(error["properties"]) == {"code", "status", "error", "message", "errors"}
    assert set(error["required"]) == {"code", "status", "error", "message"}
    default = spec["components"]["responses"]["DEFAULT_ERROR"]
    assert default["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }
    owner = f.business(api)
    answers = [
        api.get("/api/v1/nothing-here"),  # werkzeug's 404
        api.get("/api/v1/me"),  # 401 from the domain
        api.get("/api/v1/missions?per_page=500"),  # 422 from the query parser
        api.post("/api/v1/missions", {"title": "x"}, token=owner["token"]),  # 422, the body
        api.put("/api/v1/me/profile", {"company_name": "A"}, token=owner["token"]),  # 422, load
    ]
    for status, body in answers:
        assert set(body) <= set(error["properties"]), body
        assert set(body) >= set(error["required"]), body
        assert body["code"] == status and isinstance(body["error"], str)
        if "errors" in body:
            assert all(
                isinstance(messages, list)
                for fields in body["errors"].values()
                for messages in fields.values()
            ), body


def test_put_me_profile_documents_both_bodies(client) -> None:
    spec = _spec(client)
    operation = spec["paths"]["/api/v1/me/profile"]["put"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert body == {
        "oneOf": [
            {"$ref": "#/components/schemas/SecretaryProfileIn"},
            {"$ref": "#/components/schemas/BusinessProfileIn"},
        ]
    }
    answer = _success_schema(operation)
    assert (
        answer
        == spec["paths"]["/api/v1/me/profile"]["get"]["responses"]["200"]["content"][
            "application/json"
        ]["schema"]
    )
    assert {"$ref": "#/components/schemas/SecretaryOwnOut"} in answer["oneOf"]


# --- lists --------------------------------------------------------------------------------


def _list_operations(spec: dict) -> dict[str, dict]:
    """GET operations answering many items: a page ({total, ..., results}) or an array."""
    found = {}
    for path, method, operation in _operations(spec):
        schema = _success_schema(operation) if method == "get" else None
        if schema is None:
            continue
        schema = _resolve(spec, schema)
        if schema.get("type") == "array" or "results" in schema.get("properties", {}):
            found[path] = operation
    return found


def test_every_list_is_a_page_with_page_and_per_page(client) -> None:
    spec = _spec(client)
    lists = _list_operations(spec)
    assert "/api/v1/me/bids" in lists and "/api/v1/search/secretaries" in lists
    pages = {p: op for p, op in lists.items() if p not in BARE_LISTS | {MATCHES}}
    for path, operation in pages.items():
        schema = _resolve(spec, _success_schema(operation))
        assert set(schema["properties"]) >= PAGE_FIELDS, path
        assert schema["properties"]["results"]["type"] == "array", path
        parameters = {p["name"]: p for p in operation["parameters"] if p["in"] == "query"}
        assert {"page", "per_page"} <= set(parameters), path
        assert parameters["per_page"]["schema"]["maximum"] == 100, path
    arrays = {
        path
        for path, operation in lists.items()
        if _resolve(spec, _success_schema(operation))["type"] == "array"
    }
    assert arrays == BARE_LISTS


def test_every_list_answers_a_page(client, app, api) -> None:
    deal = f.Deal(api).to("released")
    for who in ("business", "secretary"):  # both reviews in: both are published
        assert deal.act("reviews", who, {"rating": 5, "comment": "Parfait"})[0] == 201
    api.post(
        f"/api/v1/missions/{f.mission(api, deal.business)['id']}/invitations",
        {"secretary_id": deal.secretary["id"]},
        token=deal.business["token"],
    )
    operator = f.operator(api, app)
    thread = api.post(
        f"/api/v1/missions/{deal.mission['id']}/conversations", {}, token=deal.secretary["token"]
    )[1]
    sent = message_with_file(api, deal.business, thread["id"])
    assert api.get(f"/api/v1/attachments/{sent}", token=deal.secretary["token"])[0] == 200
    assert (
        api.post("/api/v1/saved-searches", {"kind": "secretaries"}, token=deal.business["token"])[0]
        == 201
    )
    callers = {  # path → (token, path parameters)
        "/api/v1/missions": (None, {}),
        "/api/v1/saved-searches": (deal.business["token"], {}),
        "/api/v1/me/bids": (deal.secretary["token"], {}),
        "/api/v1/me/invitations": (deal.secretary["token"], {}),
        "/api/v1/contracts": (deal.business["token"], {}),
        "/api/v1/admin/contracts": (operator["token"], {}),
        "/api/v1/secretaries/{secretary_id}/reviews": (None, {"secretary_id": deal.secretary}),
        "/api/v1/businesses/{business_id}/reviews": (None, {"business_id": deal.business}),
        "/api/v1/search/secretaries": (None, {}),
        "/api/v1/search/missions": (None, {}),
        "/api/v1/notifications": (deal.secretary["token"], {}),
        "/api/v1/conversations": (deal.secretary["token"], {}),
        "/api/v1/conversations/{conversation_id}/messages": (
            deal.secretary["token"],
            {"conversation_id": thread},
        ),
        "/api/v1/attachments/{attachment_id}/accesses": (
            deal.business["token"],
            {"attachment_id": {"id": sent}},
        ),
    }
    spec = _spec(client)
    pages = set(_list_operations(spec)) - BARE_LISTS - {MATCHES}
    assert pages == set(callers), "a new list: say here how to call it"
    for template, (token, ids) in callers.items():
        path = template.format(**{name: user["id"] for name, user in ids.items()})
        status, body = api.get(f"{path}?page=1&per_page=1", token=token)
        assert status == 200, (path, body)
        assert set(body) >= PAGE_FIELDS, path
        assert body["page"] == 1 and body["per_page"] == 1 and len(body["results"]) <= 1, path
        assert body["total"] >= len(body["results"]) and body["total"] >= 1, (path, body)
        status, body = api.get(f"{path}?per_page=101", token=token)
        assert status == 422 and "per_page" in body["errors"]["query"], (path, body)


# Still paginated by hand in contracts/api.py; converted there with @blp.paginate next.
def test_every_page_comes_from_blp_paginate(client, app) -> None:
    pages = set(_list_operations(_spec(client))) - BARE_LISTS - {MATCHES}
    decorated = set()
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        get = getattr(getattr(view, "view_class", None), "get", None)
        if "pagination" in getattr(get, "_apidoc", {}):
            decorated.add(re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule))
    assert pages == decorated


def test_a_page_is_cut_from_the_whole_list(api) -> None:
    owner = f.business(api)
    titles = [f"Mission numéro {i + 1}" for i in range(3)]
    for title in titles:
        f.mission(api, owner, title=title)
    pages = [api.get(f"/api/v1/missions?per_page=2&page={n}")[1] for n in (1, 2, 3)]
    assert [p["total"] for p in pages] == [3, 3, 3]
    assert [len(p["results"]) for p in pages] == [2, 1, 0]
    seen = [m["title"] for p in pages for m in p["results"]]
    assert sorted(seen) == titles  # newest first, each once
