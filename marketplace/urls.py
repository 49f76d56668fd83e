"""Links that leave the site (e-mails, PDFs, Stripe's return URLs) are built from PUBLIC_URL.

`url_for(..., _external=True)` would take the scheme and host from the request, so a forged
`Host` header would end up in a payout onboarding link or an e-mail. `external_url` joins
the configured base with the route's path instead, and works outside requests too.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, url_for


def external_url(endpoint: str, **values: Any) -> str:
    return current_app.config["MARKETPLACE_SETTINGS"].public_url + path_for(endpoint, **values)


def path_for(endpoint: str, **values: Any) -> str:
    """The route's path from the site's root, inside or outside a request (notifications
    keep it; PUBLIC_URL, which may carry a prefix, goes in front of it): built in a request
    context of its own, so the current request's host and script root never leak in."""
    with current_app.test_request_context("/"):
        return url_for(endpoint, **values)
