"""The one blueprint every page registers on (`marketplace.web`'s modules import it from
here; the package's __init__ imports those modules so their routes register)."""

from flask import Blueprint

bp = Blueprint("web", __name__)
