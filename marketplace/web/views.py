from __future__ import annotations

from flask import render_template

from marketplace.web import bp


@bp.get("/")
def index() -> str:
    return render_template("index.html")


@bp.get("/connexion")
def login() -> str:
    return render_template("index.html")
