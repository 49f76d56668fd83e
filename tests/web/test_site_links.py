"""What every page links to: the site's icon and the API documentation."""

from __future__ import annotations

import re

from flask.testing import FlaskClient


def test_favicon_ico_leads_to_the_site_icon(client: FlaskClient) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response.headers["Location"] == "/static/favicon.svg"
    with client.get("/favicon.ico", follow_redirects=True) as icon:  # a file: close it
        assert icon.status_code == 200
        assert icon.mimetype == "image/svg+xml"
        assert icon.get_data(as_text=True).startswith("<svg")


def test_pages_link_the_icon_and_the_api_docs_in_the_footer(client: FlaskClient) -> None:
    for language, text in (("fr", "Documentation de l'API"), ("en", "API documentation")):
        client.get(f"/langue/{language}")
        html = client.get("/").get_data(as_text=True)
        icon = re.search(r'<link rel="icon" href="([^"]+)"', html)
        assert icon is not None
        with client.get(icon.group(1)) as served:
            assert served.status_code == 200
        footer = html[html.index('<footer class="site-footer">') :]
        link = re.search(r'<a href="([^"]+)" hreflang="en">([^<]+)</a>', footer)
        assert link is not None, footer
        assert link.group(1) == "/api/v1/docs"
        assert link.group(2).replace("&#39;", "'") == text


def test_api_docs_page_says_it_is_in_english(client: FlaskClient) -> None:
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert re.search(r'<html lang="en">', html)
    assert re.search(r'rel="icon" href="/static/[0-9a-f]{12}/favicon\.svg"', html)
