"""Lists, paginated as API.md fixes them: `page`, `per_page` (at most 100), `{total, page,
per_page, results}`.

flask-smorest's `@blp.paginate` parses `page`/`page_size` and answers a bare list with the
figures in an `X-Pagination` header; our `Blueprint.paginate` (marketplace/http.py) keeps its
decorator and its `Page` pagers but parses `page`/`per_page` (`PageParams`) and writes the
figures in the body (`page_body`), documented by a `PageOut` subclass. `SelectPage` pages a
SQLAlchemy select with one COUNT and one LIMIT/OFFSET query.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_smorest.pagination import Page, PaginationParameters
from marshmallow import EXCLUDE, Schema, fields, post_load, validate

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
MAX_PAGE = 10_000


@functools.cache
def page_params_schema(default_per_page: int = DEFAULT_PER_PAGE) -> type[Schema]:
    """The query parameters of a list: `page` and `per_page`."""

    class PageParams(Schema):
        class Meta:
            unknown = EXCLUDE  # the list's own filters are parsed by @blp.arguments

        page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))
        per_page = fields.Integer(
            load_default=default_per_page, validate=validate.Range(min=1, max=MAX_PER_PAGE)
        )

        @post_load
        def _parameters(self, data: dict[str, int], **_kwargs: Any) -> PaginationParameters:
            return PaginationParameters(data["page"], data["per_page"])

    return PageParams


def page_body(params: PaginationParameters, results: Sequence[Any], **extra: Any) -> dict[str, Any]:
    """The body of a list: what `PageOut` documents, plus the list's own `extra` figures."""
    return {
        "total": params.item_count,
        "page": params.page,
        "per_page": params.page_size,
        "results": results,
        **extra,
    }


class PageOut(Schema):
    """A page of a list; each list's subclass declares `results` (and its own extra fields)."""

    total = fields.Integer(required=True, metadata={"description": "Items in the whole list"})
    page = fields.Integer(required=True, metadata={"description": "This page's number, from 1"})
    per_page = fields.Integer(required=True, metadata={"description": "Items per page (≤ 100)"})


def _session() -> Any:
    """The app's SQLAlchemy session, found through the app (Flask-SQLAlchemy registers itself
    as `app.extensions["sqlalchemy"]`): `marketplace.http` imports this module and
    `marketplace.extensions` imports http, so importing `db` here would close a circle."""
    return current_app.extensions["sqlalchemy"].session


class SelectPage(Page):
    """One page of a SQLAlchemy select (of ORM entities): a COUNT, then LIMIT/OFFSET.

    As a pager, `@blp.paginate(SelectPage)`, the view returns the select. In a view that
    reworks each item, `@blp.paginate()` and `SelectPage(query, pagination_parameters).items`
    (creating it sets the total the decorator needs).
    """

    collection: sa.Select[Any]

    @property
    def item_count(self) -> int:
        query = self.collection.order_by(None).subquery()
        return int(_session().scalar(sa.select(sa.func.count()).select_from(query)) or 0)

    @property
    def items(self) -> list[Any]:
        return list(_session().scalars(self._page()))

    @property
    def rows(self) -> list[Any]:
        """The page's rows, for a select of several columns (an entity and a count)."""
        return list(_session().execute(self._page()))

    def _page(self) -> sa.Select[Any]:
        params = self.page_params
        return self.collection.limit(params.page_size).offset(params.first_item)


def paginate(
    query: sa.Select[*tuple[Any, ...]], page: int, per_page: int, *, rows: bool = False
) -> tuple[int, list[Any]]:
    """(total, items) of one page, for the web pages (the API uses `SelectPage`); with
    `rows`, the items are rows (a select of several columns)."""
    params = PaginationParameters(page, per_page)
    pager = SelectPage(query, params)
    items = pager.rows if rows else pager.items
    return int(params.item_count or 0), items
