"""Server-rendered pages in French (English from the language switch).

Routes are thin: read the form, validate it with the domain's marshmallow schema, load the
object through the service that decides visibility, call one service, then flash and
redirect. Business rules live in the services, shared with the JSON API.
"""

from marketplace.web import (  # noqa: F401  (routes register on import)
    account_pages,
    compliance_pages,
    contract_pages,
    conversation_pages,
    dashboard,
    mission_pages,
    moderation_pages,
    money_pages,
    notification_pages,
    operator_pages,
    payment_pages,
    profile_pages,
    regular_pages,
    saved_search_pages,
    search_pages,
    tax_pages,
    views,
)
from marketplace.web.blueprint import bp

__all__ = ["bp"]
