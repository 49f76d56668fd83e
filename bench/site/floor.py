"""The floor of the site benchmark: the landing page, with no database.

A Flask view on the same gunicorn settings as the site that answers `GET /` with the
landing page's bytes as the site served them (run.py captures them before the run and
names the file in FLOOR_HTML): no session, no database, no template, no compression. Its
throughput under the same concurrent clients is the most any Flask page can give on this
machine; run.py reports the site's mix as a ratio of it.
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, Response

app = Flask(__name__)
_page = Path(os.environ["FLOOR_HTML"]).read_bytes()


@app.get("/")
def landing() -> Response:
    return Response(_page, mimetype="text/html")
