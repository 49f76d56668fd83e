"""Static files with long-lived caching and compression; pages and API answers compressed.

Two well-kept libraries, each for its half:

- **WhiteNoise** serves `marketplace/static/` in front of Flask (a WSGI middleware): it
  reads the files once at start, answers conditional requests, and sends the `.br` or `.gz`
  sibling a browser accepts (`scripts/setup` writes them with `python -m whitenoise.compress`,
  which keeps a compressed copy only where it is smaller). Every `url_for('static', ...)`
  carries the static folder's version, a digest of every file's content
  (`/static/<version>/css/app.css`): those URLs are cached for good (`max-age=315360000,
  public, immutable`), and changing any file changes the version, so a browser asks the new
  one. The unversioned `/static/...` (Swagger UI's own relative loads) stays served with a
  short `max-age`. WhiteNoise is Django-agnostic; its Django-only manifest storage is not
  used: one version for the whole folder is all a site of this size needs.
- **Flask-Compress** compresses what Flask writes (HTML pages, JSON, CSS/JS from views) with
  Brotli or gzip, as the client's Accept-Encoding says, with `Vary: Accept-Encoding`.

Compressed HTML and BREACH: the pages carry a CSRF token; the cookies are SameSite=Lax, so
another site cannot make a signed-in browser fetch our pages with its cookies (the attack
needs many such requests and to read their sizes).
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from typing import Any

from flask import Flask
from flask_compress import Compress
from whitenoise import WhiteNoise

# Where the precompressed siblings end: never part of the version.
COMPRESSED = (".gz", ".br")
UNVERSIONED_MAX_AGE = 3600  # seconds, for /static/... without the version


def version(folder: Path) -> str:
    """A digest of every file's path and content (the compressed siblings left out); read
    again only when a file's size or modification time changed."""
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix not in COMPRESSED)
    return _digest(folder, tuple((p, p.stat().st_size, p.stat().st_mtime_ns) for p in files))


@functools.lru_cache(maxsize=8)
def _digest(folder: Path, files: tuple[tuple[Path, int, int], ...]) -> str:
    digest = hashlib.sha256()
    for path, _size, _mtime in files:
        digest.update(str(path.relative_to(folder)).encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:12]


def init_app(app: Flask, headers: dict[str, str]) -> None:
    """`headers`: the security headers Flask's answers carry, given to the static files too."""
    assert app.static_folder is not None
    folder = Path(app.static_folder)
    current = version(folder)
    app.config["STATIC_VERSION"] = current
    versioned = f"/static/{current}/"

    @app.url_defaults
    def _versioned(endpoint: str, values: dict[str, Any]) -> None:
        # url_for("static", filename=..., versioned=False): the plain path, for a link that
        # must outlive a version (the permanent redirect of /favicon.ico).
        if endpoint == "static" and not values.pop("versioned", True):
            return
        if endpoint == "static" and "filename" in values:
            filename = str(values["filename"])
            if not filename.startswith(f"{current}/"):
                values["filename"] = f"{current}/{filename}"

    def add_headers(response_headers: Any, _path: str, _url: str) -> None:
        for name, value in headers.items():
            response_headers[name] = value

    files = WhiteNoise(
        app.wsgi_app,
        max_age=UNVERSIONED_MAX_AGE,
        immutable_file_test=lambda _path, url: url.startswith(versioned),
        add_headers_function=add_headers,
        autorefresh=bool(app.debug),
        allow_all_origins=False,  # our pages only, as before
    )
    files.add_files(str(folder), prefix=versioned)
    files.add_files(str(folder), prefix="/static/")
    app.wsgi_app = files  # type: ignore[method-assign]

    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_BR_LEVEL", 4)  # quick enough for every page
    app.config.setdefault("COMPRESS_LEVEL", 6)
    Compress(app)
