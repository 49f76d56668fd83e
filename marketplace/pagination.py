from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from marketplace.extensions import db


def paginate(query: sa.Select[Any], page: int, per_page: int) -> tuple[int, list[Any]]:
    total = db.session.scalar(
        sa.select(sa.func.count()).select_from(query.order_by(None).subquery())
    )
    items = list(db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)))
    return int(total or 0), items


def page_of(total: int, items: list[Any], page: int, per_page: int) -> dict[str, Any]:
    return {"total": total, "page": page, "per_page": per_page, "results": items}
