"""Entry point for `flask --app wsgi` and `gunicorn wsgi:app`."""

import sys

from marketplace import create_app
from marketplace.config import ConfigError

try:
    app = create_app()
except ConfigError as exc:
    sys.exit(f"Configuration error: {exc}")
