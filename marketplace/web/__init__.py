"""Server-rendered pages in French (English from the language switch)."""

from flask import Blueprint

bp = Blueprint("web", __name__)

from marketplace.web import views  # noqa: E402,F401  (routes register on import)
