"""Saving, listing and deleting the caller's searches; the search each one runs.

A business saves searches of secretaries, a secretary searches of missions (the other kind
would find people like herself): the other kind is refused naming `kind`. At most
`MAX_PER_USER` per user, so an alert job reads a bounded number per owner.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from marketplace.accounts.models import Role, User
from marketplace.errors import Conflict, FieldErrors, NotFound
from marketplace.extensions import db
from marketplace.saved_searches.models import SavedSearch
from marketplace.saved_searches.schemas import CRITERIA_SCHEMAS
from marketplace.search import ranking
from marketplace.search import services as search
from marketplace.search.plan import Plan
from marketplace.urls import path_for

MAX_PER_USER = 20
KIND_FOR_ROLE = {Role.BUSINESS: "secretaries", Role.SECRETARY: "missions"}


class TooManySavedSearches(Conflict):
    code = "too_many_saved_searches"


def save(user: User, kind: str, criteria: dict[str, Any], alert: bool) -> SavedSearch:
    if KIND_FOR_ROLE.get(user.role) != kind:
        raise FieldErrors(
            {
                "kind": _(
                    "Une entreprise enregistre des recherches de secrétaires, une secrétaire "
                    "des recherches de missions."
                )
            }
        )
    # Serialise a user's saves (a row lock on her) so two at once cannot pass the cap.
    db.session.execute(sa.select(User.id).where(User.id == user.id).with_for_update())
    count = db.session.scalar(
        sa.select(sa.func.count()).select_from(SavedSearch).where(SavedSearch.user_id == user.id)
    )
    if (count or 0) >= MAX_PER_USER:
        raise TooManySavedSearches(
            _("Au plus %(n)d recherches enregistrées : supprimez-en une.", n=MAX_PER_USER)
        )
    saved = SavedSearch(id=uuid.uuid4(), user_id=user.id, kind=kind, criteria=criteria, alert=alert)
    db.session.add(saved)
    db.session.commit()
    return saved


def searches_of(user: User) -> sa.Select[Any]:
    return (
        sa.select(SavedSearch)
        .where(SavedSearch.user_id == user.id)
        .order_by(SavedSearch.created_at.desc(), SavedSearch.id)
    )


def delete(user: User, search_id: uuid.UUID) -> None:
    """Delete one of the caller's searches; someone else's is 404 (its existence is hidden)."""
    deleted = db.session.execute(
        sa.delete(SavedSearch).where(SavedSearch.id == search_id, SavedSearch.user_id == user.id)
    )
    if not deleted.rowcount:  # type: ignore[attr-defined]
        raise NotFound(_("Recherche enregistrée introuvable."))
    db.session.commit()


# ----------------------------------------------------------------------------- running one
def _args(saved: SavedSearch) -> dict[str, Any]:
    """The stored criteria through the search endpoint's schema again (dates, codes)."""
    loaded: dict[str, Any] = CRITERIA_SCHEMAS[saved.kind]().load(saved.criteria)
    return loaded


def plan_for(saved: SavedSearch) -> Plan | None:
    """The ranking plan the saved criteria imply; None when they no longer make sense (a
    postal code that left the table)."""
    try:
        args = _args(saved)
        if saved.kind == "secretaries":
            return ranking.secretary_plan(search.secretary_criteria(args))
        return ranking.mission_plan(search.mission_criteria(args, None))
    except (FieldErrors, ValueError):
        return None


def page_url(saved: SavedSearch) -> str:
    """The page that runs this search: the secretaries' search, or the missions page."""
    criteria = dict(saved.criteria)
    if saved.kind == "secretaries":
        if "max_rate_cents" in criteria:
            cents = int(criteria.pop("max_rate_cents"))
            criteria["max_rate"] = f"{cents // 100},{cents % 100:02d}"
        if isinstance(criteria.get("remote"), bool):
            criteria["remote"] = "true" if criteria["remote"] else "false"
        return path_for("web.search_page", **criteria)
    if "min_budget_cents" in criteria:
        cents = int(criteria.pop("min_budget_cents"))
        criteria["min_budget"] = f"{cents // 100},{cents % 100:02d}"
    if isinstance(criteria.get("remote"), bool):
        criteria["remote"] = "true" if criteria["remote"] else "false"
    return path_for("web.mission_list", **criteria)


def shown(saved: SavedSearch) -> dict[str, Any]:
    return {
        "id": saved.id,
        "kind": saved.kind,
        "criteria": saved.criteria,
        "alert": saved.alert,
        "created_at": saved.created_at,
        "url": page_url(saved),
    }


def shown_all(items: Sequence[SavedSearch]) -> list[dict[str, Any]]:
    return [shown(s) for s in items]
