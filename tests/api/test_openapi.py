from __future__ import annotations

import re

API_PATHS = [
    "/api/v1/taxonomy",
    "/api/v1/auth/register",
    "/api/v1/auth/token",
    "/api/v1/me",
    "/api/v1/me/profile",
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
