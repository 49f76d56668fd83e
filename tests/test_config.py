from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from marketplace.config import (
    ConfigError,
    FileStorageSettings,
    S3StorageSettings,
    load_settings,
)

# A live install's settings that pass (the platform's identity included).
LIVE = {
    "PAYMENTS_PROVIDER": "stripe",
    "STRIPE_SECRET_KEY": "sk_test_1",
    "STRIPE_WEBHOOK_SECRET": "whsec_1",
    "PLATFORM_LEGAL_NAME": "Secrétaires indépendantes SAS",
    "PLATFORM_ADDRESS": "12 rue de la République, 69002 Lyon",
    "PLATFORM_SIRET": "44306184100047",
    "PLATFORM_VAT_NUMBER": "FR64443061841",
}


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"PAYMENTS_PROVIDER": "paypal"}, "PAYMENTS_PROVIDER"),
        ({"PAYMENTS_PROVIDER": "stripe"}, "STRIPE_SECRET_KEY"),
        (
            {"PAYMENTS_PROVIDER": "stripe", "STRIPE_SECRET_KEY": "sk_test_1"},
            "STRIPE_WEBHOOK_SECRET",
        ),
        # Real money: the platform's own identity on its commission invoices is required.
        ({**LIVE, "PLATFORM_LEGAL_NAME": ""}, "PLATFORM_LEGAL_NAME"),
        ({**LIVE, "PLATFORM_ADDRESS": ""}, "PLATFORM_ADDRESS"),
        ({**LIVE, "PLATFORM_SIRET": ""}, "PLATFORM_SIRET"),
        ({**LIVE, "PLATFORM_VAT_NUMBER": ""}, "PLATFORM_VAT_NUMBER"),
        ({**LIVE, "PLATFORM_VAT_NUMBER": "FR00443061841"}, "PLATFORM_VAT_NUMBER"),  # key
        ({**LIVE, "PLATFORM_VAT_NUMBER": "DE123456789"}, "PLATFORM_VAT_NUMBER"),
        ({**LIVE, "PLATFORM_SIRET": "55208131766522"}, "PLATFORM_VAT_NUMBER"),  # other SIREN
        ({"PLATFORM_COMMISSION_PERCENT": "douze"}, "PLATFORM_COMMISSION_PERCENT"),
        ({"PLATFORM_COMMISSION_PERCENT": "80"}, "PLATFORM_COMMISSION_PERCENT"),
        ({"ESCROW_AUTO_RELEASE_DAYS": "0"}, "ESCROW_AUTO_RELEASE_DAYS"),
        ({"ESCROW_AUTO_RELEASE_DAYS": "sept"}, "ESCROW_AUTO_RELEASE_DAYS"),
        ({"DATABASE_URL": "mysql://x"}, "DATABASE_URL"),
        ({"ELASTICSEARCH_URL": "localhost:9200"}, "ELASTICSEARCH_URL"),
        ({"SECRET_KEY": "court"}, "SECRET_KEY"),
        ({"RATELIMIT_ENABLED": "peut-être"}, "RATELIMIT_ENABLED"),
        ({"HDS_HOSTED": "oui"}, "HDS_HOSTED"),
        ({"RATELIMIT_STORAGE_URL": "127.0.0.1:6379"}, "RATELIMIT_STORAGE_URL"),
        ({"RATELIMIT_STORAGE_URL": "mongodb://x"}, "RATELIMIT_STORAGE_URL"),
        ({"ATTACHMENT_MAX_MB": "0"}, "ATTACHMENT_MAX_MB"),
        ({"ATTACHMENT_MAX_MB": "201"}, "ATTACHMENT_MAX_MB"),
        ({"ATTACHMENT_MAX_MB": "vingt"}, "ATTACHMENT_MAX_MB"),
        ({"STORAGE_URL": "/srv/files"}, "STORAGE_URL"),
        ({"STORAGE_URL": "ftp://host/files"}, "STORAGE_URL"),
        ({"STORAGE_URL": "file://relative/path"}, "STORAGE_URL"),
        ({"STORAGE_URL": "file:///srv/../etc"}, "STORAGE_URL"),
        ({"STORAGE_URL": "file:///"}, "STORAGE_URL"),
        ({"STORAGE_URL": "file:///srv/files?mode=777"}, "STORAGE_URL"),
        ({"STORAGE_URL": "s3://"}, "STORAGE_URL"),
        ({"STORAGE_URL": "s3://Bucket_Upper"}, "STORAGE_URL"),
        ({"STORAGE_URL": "s3://bucket/../x"}, "STORAGE_URL"),
        ({"STORAGE_URL": "s3://bucket?color=blue"}, "STORAGE_URL"),
        ({"STORAGE_URL": "s3://bucket?endpoint=127.0.0.1:9000"}, "STORAGE_URL"),
        ({"STORAGE_URL": "s3://bucket?endpoint=ftp://host"}, "STORAGE_URL"),
        ({"STORAGE_URL": "s3://bucket?sse=yes"}, "STORAGE_URL"),
        ({"STORAGE_URL": "s3://bucket?addressing=dns"}, "STORAGE_URL"),
        ({"STORAGE_URL": "s3://bucket", "AWS_ACCESS_KEY_ID": "AKIA1"}, "AWS_SECRET_ACCESS_KEY"),
        ({"STORAGE_URL": "s3://bucket", "AWS_SECRET_ACCESS_KEY": "s"}, "AWS_ACCESS_KEY_ID"),
        ({"CACHE_URL": "memcached://127.0.0.1:11211"}, "CACHE_URL"),
        ({"CACHE_URL": "redis://"}, "CACHE_URL"),
        ({"CACHE_URL": "memory://elsewhere"}, "CACHE_URL"),
    ],
)
def test_bad_settings_name_the_variable(tmp_path: Path, env, variable) -> None:
    with pytest.raises(ConfigError, match=variable):
        load_settings(env, tmp_path)


def test_a_live_install_with_the_platforms_identity_starts(tmp_path: Path) -> None:
    settings = load_settings({**LIVE, "PLATFORM_VAT_NUMBER": "fr 64 443061841"}, tmp_path)
    assert settings.platform_vat_number == "FR64443061841"
    assert settings.platform_siret == "44306184100047"


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
    assert settings.hds_hosted is False
    assert load_settings({"HDS_HOSTED": "true"}, tmp_path).hds_hosted is True
    # The generated secret key is kept and reused, never a constant.
    assert load_settings({}, tmp_path).secret_key == settings.secret_key
    assert len(settings.secret_key) > 40
    assert (
        load_settings({"PLATFORM_COMMISSION_PERCENT": "12,5"}, tmp_path).commission_basis_points
        == 1250
    )


def test_storage_defaults_to_the_instance_folder_and_20_mb(tmp_path: Path) -> None:
    settings = load_settings({}, tmp_path)
    assert settings.storage is None  # marketplace.storage: instance/files/
    assert settings.attachment_max_mb == 20
    assert settings.attachment_max_bytes == 20 * 1024 * 1024
    assert load_settings({"ATTACHMENT_MAX_MB": "200"}, tmp_path).attachment_max_mb == 200


def test_storage_url_file(tmp_path: Path) -> None:
    settings = load_settings(
        {"STORAGE_URL": "file:///srv/marketplace/fichiers%20clients"}, tmp_path
    )
    assert settings.storage == FileStorageSettings(root=Path("/srv/marketplace/fichiers clients"))


def test_storage_url_s3_with_every_option(tmp_path: Path) -> None:
    env = {
        "STORAGE_URL": "s3://mk-files/prod/attachments/?endpoint=https://s3.fr-par.scw.cloud/"
        "&region=fr-par&sse=AES256&addressing=virtual",
        "AWS_ACCESS_KEY_ID": "SCWACCESS",
        "AWS_SECRET_ACCESS_KEY": "very-secret-value",
    }
    storage = load_settings(env, tmp_path).storage
    assert storage == S3StorageSettings(
        bucket="mk-files",
        prefix="prod/attachments/",
        endpoint_url="https://s3.fr-par.scw.cloud",
        region="fr-par",
        addressing_style="virtual",
        server_side_encryption="AES256",
        access_key_id="SCWACCESS",
        secret_access_key="very-secret-value",
    )
    assert "very-secret-value" not in repr(load_settings(env, tmp_path))


def test_storage_url_s3_defaults(tmp_path: Path) -> None:
    # Credentials may come from boto3's own chain (~/.aws, an instance role): not required.
    aws = load_settings({"STORAGE_URL": "s3://mk-files", "AWS_REGION": "eu-west-3"}, tmp_path)
    assert aws.storage == S3StorageSettings(bucket="mk-files", region="eu-west-3")
    other = load_settings(
        {"STORAGE_URL": "s3://mk-files?endpoint=http://127.0.0.1:59000"}, tmp_path
    )
    assert isinstance(other.storage, S3StorageSettings)
    assert other.storage.addressing_style == "path" and other.storage.prefix == ""


def test_storage_url_with_credentials_is_refused_without_echoing_them(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="AWS_ACCESS_KEY_ID") as caught:
        load_settings({"STORAGE_URL": "s3://AKIA:hunter2secret@mk-files"}, tmp_path)
    assert "hunter2secret" not in str(caught.value)


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
