"""Static files: versioned URLs cached for good, sent compressed to a browser that accepts
it; pages and API answers compressed too (marketplace/static_assets.py)."""

from __future__ import annotations

import gzip
import re
import shutil
from pathlib import Path

import brotli
import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from marketplace import static_assets

STATIC = Path(static_assets.__file__).parent / "static"


def fetch(client: FlaskClient, url: str, **headers: str) -> TestResponse:
    """The answer, its body read and its file closed (WhiteNoise streams the file)."""
    response = client.get(url, headers=headers)
    response.get_data()
    response.close()
    return response


def stylesheet_url(client: FlaskClient) -> str:
    page = client.get("/").get_data(as_text=True)
    found = re.search(r'href="(/static/[0-9a-f]{12}/css/app\.css)"', page)
    assert found, "the page's stylesheet link carries no version"
    return found[1]


def test_a_versioned_static_file_is_cached_for_good_and_sent_compressed(client: FlaskClient):
    url = stylesheet_url(client)
    original = (STATIC / "css/app.css").read_bytes()
    if not (STATIC / "css/app.css.br").exists():
        pytest.fail("no compressed siblings in marketplace/static: run scripts/setup")

    plain = fetch(client, url)
    assert plain.status_code == 200
    assert plain.data == original
    assert "Content-Encoding" not in plain.headers
    cache = plain.headers["Cache-Control"]
    assert "immutable" in cache and "public" in cache
    assert int(re.search(r"max-age=(\d+)", cache)[1]) >= 31_536_000  # type: ignore[index]

    br = fetch(client, url, **{"Accept-Encoding": "gzip, deflate, br"})
    assert br.headers["Content-Encoding"] == "br"
    assert brotli.decompress(br.data) == original
    assert len(br.data) < len(original) / 3
    assert "Accept-Encoding" in br.headers["Vary"]
    assert "immutable" in br.headers["Cache-Control"]
    # ...and the security headers every answer carries.
    assert br.headers["X-Content-Type-Options"] == "nosniff"

    gz = fetch(client, url, **{"Accept-Encoding": "gzip"})
    assert gz.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(gz.data) == original

    # A conditional request is answered without the body.
    again = fetch(client, url, **{"If-None-Match": plain.headers["ETag"]})
    assert again.status_code == 304


def test_the_unversioned_path_is_still_served_with_a_short_cache(client: FlaskClient):
    response = fetch(client, "/static/css/app.css")
    assert response.status_code == 200
    assert "immutable" not in response.headers["Cache-Control"]
    assert response.headers["Cache-Control"].startswith("max-age=3600")


def test_a_changed_file_changes_the_version(tmp_path: Path):
    folder = tmp_path / "static"
    shutil.copytree(STATIC / "css", folder / "css")
    before = static_assets.version(folder)
    assert static_assets.version(folder) == before  # the same files, the same version
    (folder / "css/app.css.gz").write_bytes(b"not part of the version")
    assert static_assets.version(folder) == before
    with (folder / "css/app.css").open("a") as css:
        css.write("\n/* changed */\n")
    assert static_assets.version(folder) != before


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_pages_and_api_answers_are_compressed(app: Flask, client: FlaskClient, encoding: str):
    decode = brotli.decompress if encoding == "br" else gzip.decompress
    page = client.get("/", headers={"Accept-Encoding": encoding})
    assert page.status_code == 200
    assert page.headers["Content-Encoding"] == encoding
    assert "Accept-Encoding" in page.headers["Vary"]
    html = decode(page.data).decode()
    assert html.lstrip().lower().startswith("<!doctype html")
    assert len(page.data) < len(html.encode()) / 2
    assert client.get("/").headers.get("Content-Encoding") is None  # not asked: not sent

    api = client.get("/api/v1/taxonomy", headers={"Accept-Encoding": encoding})
    assert api.status_code == 200
    assert api.headers["Content-Encoding"] == encoding
    assert "specialties" in decode(api.data).decode()
