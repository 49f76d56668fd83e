"""Saved searches page (/recherches-enregistrees): list, run, delete; and the "Enregistrer
cette recherche" form of the search pages, which posts the page's own query string."""

from __future__ import annotations

import uuid
from urllib.parse import parse_qsl

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from marshmallow import ValidationError
from werkzeug.datastructures import MultiDict

from marketplace.accounts.models import Role
from marketplace.errors import Conflict, FieldErrors
from marketplace.extensions import db
from marketplace.saved_searches import services
from marketplace.saved_searches.schemas import clean_criteria
from marketplace.validation import flatten_messages
from marketplace.web.blueprint import bp
from marketplace.web.helpers import signed_in
from marketplace.web.search_pages import form_criteria, mission_form_criteria


@bp.get("/recherches-enregistrees")
def saved_searches_page() -> ResponseReturnValue:
    user = signed_in(Role.BUSINESS, Role.SECRETARY)
    items = db.session.scalars(services.searches_of(user)).all()
    return render_template(
        "search/saved.html", searches=services.shown_all(items), limit=services.MAX_PER_USER
    )


@bp.post("/recherches-enregistrees")
def saved_search_create() -> ResponseReturnValue:
    user = signed_in(Role.BUSINESS, Role.SECRETARY)
    kind = services.KIND_FOR_ROLE.get(user.role, "")
    query = request.form.get("query", "")[:2000]
    parse = form_criteria if kind == "secretaries" else mission_form_criteria
    raw, errors = parse(MultiDict(parse_qsl(query)))
    try:
        if errors:
            raise FieldErrors(errors)
        criteria = clean_criteria(kind, raw)
        services.save(user, kind, criteria, alert=request.form.get("alert") == "y")
    except ValidationError as err:
        messages = flatten_messages(err.normalized_messages())
        flash(" ".join(m for ms in messages.values() for m in ms), "warning")
    except FieldErrors as exc:
        flash(" ".join(m for ms in exc.errors.values() for m in ms) or exc.message, "warning")
    except Conflict as exc:
        flash(exc.message, "warning")
    else:
        flash(_("Recherche enregistrée."), "success")
    return redirect(url_for("web.saved_searches_page"), code=303)


@bp.post("/recherches-enregistrees/<uuid:search_id>/supprimer")
def saved_search_delete(search_id: uuid.UUID) -> ResponseReturnValue:
    user = signed_in(Role.BUSINESS, Role.SECRETARY)
    services.delete(user, search_id)
    flash(_("Recherche supprimée."), "success")
    return redirect(url_for("web.saved_searches_page"), code=303)
