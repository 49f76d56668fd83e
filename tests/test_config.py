from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from marketplace.config import ConfigError, load_settings


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"PAYMENTS_PROVIDER": "paypal"}, "PAYMENTS_PROVIDER"),
        ({"PAYMENTS_PROVIDER": "stripe"}, "STRIPE_SECRET_KEY"),
        (
            {"PAYMENTS_PROVIDER": "stripe", "STRIPE_SECRET_KEY": "sk_test_1"},
            "STRIPE_WEBHOOK_SECRET",
        ),
        ({"PLATFORM_COMMISSION_PERCENT": "douze"}, "PLATFORM_COMMISSION_PERCENT"),
        ({"PLATFORM_COMMISSION_PERCENT": "80"}, "PLATFORM_COMMISSION_PERCENT"),
        ({"ESCROW_AUTO_RELEASE_DAYS": "0"}, "ESCROW_AUTO_RELEASE_DAYS"),
        ({"ESCROW_AUTO_RELEASE_DAYS": "sept"}, "ESCROW_AUTO_RELEASE_DAYS"),
        ({"DATABASE_URL": "mysql://x"}, "DATABASE_URL"),
        ({"ELASTICSEARCH_URL": "localhost:9200"}, "ELASTICSEARCH_URL"),
        ({"SECRET_KEY": "court"}, "SECRET_KEY"),
        ({"RATELIMIT_ENABLED": "peut-être"}, "RATELIMIT_ENABLED"),
        ({"RATELIMIT_STORAGE_URL": "127.0.0.1:6379"}, "RATELIMIT_STORAGE_URL"),
        ({"RATELIMIT_STORAGE_URL": "mongodb://x"}, "RATELIMIT_STORAGE_URL"),
    ],
)
def test_bad_settings_name_the_variable(tmp_path: Path, env, variable) -> None:
    with pytest.raises(ConfigError, match=variable):
        load_settings(env, tmp_path)


def test_defaults(tmp_path: Path) -> None:
    settings = load_settings({}, tmp_path)
    assert settings.payments_provider == "sandbox"
    assert settings.commission_basis_points == 1200
    assert settings.auto_release_days == 7 and settings.review_window_days == 14
    assert settings.database_url.startswith("sqlite:///")
    assert settings.ratelimit_enabled and settings.ratelimit_storage_url == "memory://"
    redis = load_settings(
        {"RATELIMIT_ENABLED": "false", "RATELIMIT_STORAGE_URL": "redis://127.0.0.1:6379/1"},
        tmp_path,
    )
    assert not redis.ratelimit_enabled and redis.ratelimit_storage_url.startswith("redis://")
    assert settings.elasticsearch_url is None
    # The generated secret key is kept and reused, never a constant.
    assert load_settings({}, tmp_path).secret_key == settings.secret_key
    assert len(settings.secret_key) > 40
    assert (
        load_settings({"PLATFORM_COMMISSION_PERCENT": "12,5"}, tmp_path).commission_basis_points
        == 1250
    )


def test_postgres_urls_use_psycopg(tmp_path: Path) -> None:
    settings = load_settings({"DATABASE_URL": "postgres://u:p@h/db"}, tmp_path)
    assert settings.database_url == "postgresql+psycopg://u:p@h/db"


def test_wsgi_stops_with_a_one_line_message(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run(
        [sys.executable, "-c", "import wsgi"],
        cwd=root,
        capture_output=True,
        text=True,
        env={"PAYMENTS_PROVIDER": "bitcoin", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        check=False,
    )
    assert result.returncode != 0
    assert "Configuration error: PAYMENTS_PROVIDER" in result.stderr
    assert "Traceback" not in result.stderr
