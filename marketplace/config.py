"""Configuration read from the environment and validated once at start-up.

A missing or malformed setting raises ConfigError naming the variable; wsgi.py
turns it into a one-line message and a non-zero exit instead of a traceback.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit


class ConfigError(Exception):
    """A setting is missing or malformed; the message names the variable."""


# Documented defaults (README, "Configuration").
DEFAULT_COMMISSION_PERCENT = Decimal("12")
DEFAULT_AUTO_RELEASE_DAYS = 7
# A submitted timesheet approves itself after this many days (TIMESHEET_AUTO_APPROVE_DAYS).
DEFAULT_TIMESHEET_AUTO_APPROVE_DAYS = 5
# An hourly budget under this is flagged to the business before its mission is posted:
# the SMIC's gross hourly rate (11,88 EUR since 1 November 2024), rounded up. An
# independent secretary bills more (she pays her own charges); under it, the figure is
# almost certainly a mistake (30 EUR for 36 hours).
DEFAULT_PLAUSIBLE_HOURLY_FLOOR_CENTS = 1_200
DEFAULT_REVIEW_WINDOW_DAYS = 14
DEFAULT_PLATFORM_LEGAL_NAME = "Marketplace des secrétaires indépendantes"
DEFAULT_PLATFORM_ADDRESS = "France"
DEFAULT_PUBLIC_URL = "http://127.0.0.1:5000"
JOBS_EMBEDDED_MODES = ("thread", "off")


@dataclass(frozen=True)
class SmtpSettings:
    """SMTP_URL, parsed: `smtp://user:pass@host:port[?starttls=1]` or `smtps://...`."""

    host: str
    port: int
    username: str | None = None
    password: str | None = field(default=None, repr=False)  # a secret: never printed
    ssl: bool = False  # smtps://: TLS from the first byte
    starttls: bool = False  # smtp://...?starttls=1: upgrade the plain connection


@dataclass(frozen=True)
class FileStorageSettings:
    """STORAGE_URL=file:///abs/path: attachments as files under `root`."""

    root: Path


@dataclass(frozen=True)
class S3StorageSettings:
    """STORAGE_URL=s3://bucket[/prefix][?endpoint=...&region=...&sse=...&addressing=...].

    The credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (and
    AWS_SESSION_TOKEN) of the same environment, never from the URL; when they are absent
    boto3 looks in its usual places (~/.aws, the instance's role).
    """

    bucket: str
    prefix: str = ""  # "" or ends with "/": prepended to every key
    endpoint_url: str | None = None  # another S3-compatible service; None: AWS itself
    region: str | None = None
    addressing_style: str = "auto"  # "path" by default when endpoint_url is set
    server_side_encryption: str | None = None  # "AES256" or "aws:kms"
    access_key_id: str | None = field(default=None, repr=False)
    secret_access_key: str | None = field(default=None, repr=False)
    session_token: str | None = field(default=None, repr=False)


DEFAULT_ATTACHMENT_MAX_MB = 20
S3_OPTIONS = ("endpoint", "region", "sse", "addressing")
S3_SSE_VALUES = ("AES256", "aws:kms")
S3_ADDRESSING_STYLES = ("auto", "path", "virtual")
_BUCKET_NAME = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_PREFIX_SEGMENT = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]*")

DEFAULT_RATELIMIT_STORAGE_URL = "memory://"
# The storages of the `limits` package that an install may use.
RATELIMIT_STORAGE_SCHEMES = ("memory", "redis", "rediss", "redis+cluster", "redis+sentinel")
DEFAULT_CACHE_URL = "memory://"


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key: str
    elasticsearch_url: str | None
    payments_provider: str
    stripe_secret_key: str | None
    stripe_webhook_secret: str | None
    stripe_api_base: str | None
    commission_basis_points: int
    auto_release_days: int
    review_window_days: int
    timesheet_auto_approve_days: int = DEFAULT_TIMESHEET_AUTO_APPROVE_DAYS
    plausible_hourly_floor_cents: int = DEFAULT_PLAUSIBLE_HOURLY_FLOOR_CENTS
    # The platform's identity on the commission invoices it issues (set them in production).
    platform_legal_name: str = DEFAULT_PLATFORM_LEGAL_NAME
    platform_siret: str | None = None
    platform_vat_number: str | None = None
    platform_address: str = DEFAULT_PLATFORM_ADDRESS
    # The site's public base URL: every link in e-mails, PDFs and redirects to Stripe is
    # built from it (marketplace/urls.py), never from the request's Host header.
    public_url: str = DEFAULT_PUBLIC_URL
    # Outgoing mail: SMTP when set, else .eml files under instance/mail/ (marketplace/mail).
    smtp: SmtpSettings | None = None
    mail_from: str = "ne-pas-repondre@127.0.0.1"
    # Background jobs (marketplace/jobs): Celery on this broker when set; else in-process.
    jobs_broker_url: str | None = None
    # Without a broker: `thread` runs jobs in the web process after commit, `off` leaves them
    # to `flask jobs run-pending` (tests that drive the runner themselves).
    jobs_embedded: str = "thread"
    # Sign-in and sign-up throttling (marketplace/accounts/throttle.py): off only for load
    # tests and scripted runs; the counts live in this storage (Redis for several processes).
    ratelimit_enabled: bool = True
    ratelimit_storage_url: str = DEFAULT_RATELIMIT_STORAGE_URL
    # Short-lived results (Flask-Caching): memory:// is each process's own; a Redis URL is
    # shared by every process (a change seen by one refreshes them all).
    cache_url: str = DEFAULT_CACHE_URL
    # Attachments and documents (marketplace/storage): None is files under instance/files/.
    storage: FileStorageSettings | S3StorageSettings | None = None
    # The largest accepted upload, in MiB ("Mo" on the pages).
    attachment_max_mb: int = DEFAULT_ATTACHMENT_MAX_MB
    # This install runs on a certified health-data host (HDS, Code de la santé publique
    # art. L1111-8): medical missions then say so instead of warning against patient data.
    hds_hosted: bool = False
    # Load tests only (bench/site): each response says how many SQL statements it sent, in
    # an X-SQL-Statements header (marketplace/statement_count.py). Never on by default.
    sql_statement_header: bool = False

    @property
    def attachment_max_bytes(self) -> int:
        return self.attachment_max_mb * 1024 * 1024

    @property
    def public_https(self) -> bool:
        return self.public_url.startswith("https://")

    def flask_config(self) -> dict[str, object]:
        return {
            "SECRET_KEY": self.secret_key,
            "SQLALCHEMY_DATABASE_URI": self.database_url,
            "SQLALCHEMY_ENGINE_OPTIONS": _engine_options(self.database_url),
            "MARKETPLACE_SETTINGS": self,
            "RATELIMIT_ENABLED": self.ratelimit_enabled,
            "RATELIMIT_STORAGE_URI": self.ratelimit_storage_url,
            **_cache_config(self.cache_url),
            "SQL_STATEMENT_HEADER": self.sql_statement_header,
        }


def _engine_options(url: str) -> dict[str, object]:
    if url.startswith("sqlite"):
        # Several threads of the dev server share the file; wait for the write lock.
        return {"connect_args": {"timeout": 30}}
    # No pool_pre_ping: marketplace.db replaces connections the server closed at checkout,
    # without a round trip per request.
    return {"pool_size": 10, "max_overflow": 20}


def _int(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None
    if not low <= value <= high:
        raise ConfigError(f"{name} must be between {low} and {high}, got {value}")
    return value


def _percent_basis_points(env: Mapping[str, str]) -> int:
    name = "PLATFORM_COMMISSION_PERCENT"
    raw = env.get(name)
    if raw is None or raw == "":
        value = DEFAULT_COMMISSION_PERCENT
    else:
        try:
            value = Decimal(raw.replace(",", "."))
        except InvalidOperation:
            raise ConfigError(f"{name} must be a number such as 12 or 12.5, got {raw!r}") from None
    if not (Decimal(0) <= value <= Decimal(50)) or value != value.quantize(Decimal("0.01")):
        raise ConfigError(f"{name} must be between 0 and 50 with at most 2 decimals, got {raw!r}")
    return int(value * 100)


def _secret_key(env: Mapping[str, str], instance_path: Path) -> str:
    key = env.get("SECRET_KEY")
    if key:
        if len(key) < 16:
            raise ConfigError("SECRET_KEY must be at least 16 characters long")
        return key
    # Development default: generated once and kept in instance/, never a constant in code.
    path = instance_path / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def load_settings(env: Mapping[str, str], instance_path: Path) -> Settings:
    database_url = env.get("DATABASE_URL") or f"sqlite:///{instance_path / 'marketplace.db'}"
    if database_url.startswith("postgres://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgres://")
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgresql://")
    if not database_url.startswith(("sqlite", "postgresql+psycopg://")):
        raise ConfigError("DATABASE_URL must be a PostgreSQL (postgresql://...) or SQLite URL")
    if database_url.startswith("sqlite:///") and env.get("DATABASE_URL") is None:
        instance_path.mkdir(parents=True, exist_ok=True)

    provider = (env.get("PAYMENTS_PROVIDER") or "sandbox").strip().lower()
    if provider not in {"sandbox", "stripe"}:
        raise ConfigError(f"PAYMENTS_PROVIDER must be 'sandbox' or 'stripe', got {provider!r}")
    stripe_key = env.get("STRIPE_SECRET_KEY") or None
    webhook_secret = env.get("STRIPE_WEBHOOK_SECRET") or None
    if provider == "stripe":
        if not stripe_key:
            raise ConfigError("STRIPE_SECRET_KEY is required when PAYMENTS_PROVIDER=stripe")
        if not webhook_secret:
            raise ConfigError("STRIPE_WEBHOOK_SECRET is required when PAYMENTS_PROVIDER=stripe")
        _require_platform_identity(env)

    es_url = env.get("ELASTICSEARCH_URL") or None
    if es_url and not es_url.startswith(("http://", "https://")):
        raise ConfigError(f"ELASTICSEARCH_URL must start with http:// or https://, got {es_url!r}")

    return Settings(
        database_url=database_url,
        secret_key=_secret_key(env, instance_path),
        elasticsearch_url=es_url,
        payments_provider=provider,
        stripe_secret_key=stripe_key,
        stripe_webhook_secret=webhook_secret,
        stripe_api_base=env.get("STRIPE_API_BASE") or None,
        commission_basis_points=_percent_basis_points(env),
        auto_release_days=_int(env, "ESCROW_AUTO_RELEASE_DAYS", DEFAULT_AUTO_RELEASE_DAYS, 1, 90),
        review_window_days=_int(env, "REVIEW_WINDOW_DAYS", DEFAULT_REVIEW_WINDOW_DAYS, 1, 365),
        timesheet_auto_approve_days=_int(
            env, "TIMESHEET_AUTO_APPROVE_DAYS", DEFAULT_TIMESHEET_AUTO_APPROVE_DAYS, 1, 30
        ),
        platform_legal_name=env.get("PLATFORM_LEGAL_NAME") or DEFAULT_PLATFORM_LEGAL_NAME,
        platform_siret=_platform_siret(env),
        platform_vat_number=_platform_vat_number(env),
        platform_address=env.get("PLATFORM_ADDRESS") or DEFAULT_PLATFORM_ADDRESS,
        public_url=_public_url(env),
        smtp=_smtp(env),
        mail_from=_mail_from(env),
        jobs_broker_url=_broker_url(env),
        jobs_embedded=_jobs_embedded(env),
        ratelimit_enabled=_bool(env, "RATELIMIT_ENABLED", default=True),
        ratelimit_storage_url=_ratelimit_storage_url(env),
        cache_url=_cache_url(env),
        storage=_storage(env),
        attachment_max_mb=_int(env, "ATTACHMENT_MAX_MB", DEFAULT_ATTACHMENT_MAX_MB, 1, 200),
        hds_hosted=_bool(env, "HDS_HOSTED", default=False),
        sql_statement_header=_bool(env, "SQL_STATEMENT_HEADER", default=False),
    )


def _bool(env: Mapping[str, str], name: str, *, default: bool) -> bool:
    raw = (env.get(name) or "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} must be true or false, got {raw!r}")


def _ratelimit_storage_url(env: Mapping[str, str]) -> str:
    """RATELIMIT_STORAGE_URL: memory:// or a Redis URL; its driver must be installed."""
    name = "RATELIMIT_STORAGE_URL"
    raw = (env.get(name) or DEFAULT_RATELIMIT_STORAGE_URL).strip()
    scheme = urlsplit(raw).scheme
    if scheme not in RATELIMIT_STORAGE_SCHEMES:
        allowed = ", ".join(s + "://" for s in RATELIMIT_STORAGE_SCHEMES)
        raise ConfigError(f"{name} must start with one of {allowed}, got {raw!r}")
    from limits.errors import ConfigurationError
    from limits.storage import storage_from_string

    try:
        storage_from_string(raw)  # builds the client (no connection yet): a bad URL fails here
    except (ConfigurationError, ValueError) as exc:
        raise ConfigError(f"{name} is not usable: {exc}") from None
    return raw


def _cache_url(env: Mapping[str, str]) -> str:
    """CACHE_URL: memory:// (each process its own, the default) or a redis:// URL."""
    name = "CACHE_URL"
    raw = (env.get(name) or DEFAULT_CACHE_URL).strip()
    parts = urlsplit(raw)
    if parts.scheme == "memory" and raw.rstrip("/") == "memory:":
        return raw
    if parts.scheme in ("redis", "rediss") and parts.hostname:
        return raw
    raise ConfigError(f"{name} must be memory:// or a redis:// URL with a host, got {raw!r}")


def _cache_config(url: str) -> dict[str, object]:
    """Flask-Caching's settings for CACHE_URL; keys prefixed so a shared Redis database
    (the job broker's) keeps them apart."""
    common = {"CACHE_DEFAULT_TIMEOUT": 120, "CACHE_KEY_PREFIX": "marketplace:cache:"}
    if url.startswith("memory:"):
        return {**common, "CACHE_TYPE": "SimpleCache", "CACHE_THRESHOLD": 10_000}
    return {**common, "CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": url}


def _public_url(env: Mapping[str, str]) -> str:
    """PUBLIC_URL: scheme and host (and an optional path prefix), no query, no fragment."""
    raw = (env.get("PUBLIC_URL") or DEFAULT_PUBLIC_URL).strip().rstrip("/")
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ConfigError(f"PUBLIC_URL must be an http:// or https:// base URL, got {raw!r}")
    return raw


def _require_platform_identity(env: Mapping[str, str]) -> None:
    """With real money, the platform's commission invoices must carry its real identity
    (CGI art. 242 nonies A): the placeholders are for the sandbox only."""
    for name in (
        "PLATFORM_LEGAL_NAME",
        "PLATFORM_ADDRESS",
        "PLATFORM_SIRET",
        "PLATFORM_VAT_NUMBER",
    ):
        if not (env.get(name) or "").strip():
            raise ConfigError(
                f"{name} is required when PAYMENTS_PROVIDER=stripe "
                "(the platform's identity on its commission invoices)"
            )


def _platform_vat_number(env: Mapping[str, str]) -> str | None:
    """PLATFORM_VAT_NUMBER: a French intra-EU VAT number, FR + 2 key characters + the
    SIREN; with a numeric key, the key is checked ((12 + 3 × (SIREN mod 97)) mod 97) and
    the SIREN must be PLATFORM_SIRET's first 9 digits."""
    raw = (env.get("PLATFORM_VAT_NUMBER") or "").replace(" ", "").upper() or None
    if raw is None:
        return None
    if not re.fullmatch(r"FR[0-9A-HJ-NP-Z]{2}\d{9}", raw):
        raise ConfigError(
            f"PLATFORM_VAT_NUMBER must be FR, a 2-character key and the 9-digit SIREN, got {raw!r}"
        )
    key, siren = raw[2:4], raw[4:]
    if key.isdigit() and int(key) != (12 + 3 * (int(siren) % 97)) % 97:
        raise ConfigError(f"PLATFORM_VAT_NUMBER's key does not match its SIREN, got {raw!r}")
    siret = (env.get("PLATFORM_SIRET") or "").replace(" ", "")
    if siret and siret[:9] != siren:
        raise ConfigError(
            f"PLATFORM_VAT_NUMBER's SIREN ({siren}) is not PLATFORM_SIRET's ({siret[:9]})"
        )
    return raw


def _platform_siret(env: Mapping[str, str]) -> str | None:
    """PLATFORM_SIRET, printed on the commission invoices the platform issues."""
    siret = (env.get("PLATFORM_SIRET") or "").replace(" ", "") or None
    if siret is not None and not (siret.isdigit() and len(siret) == 14):
        raise ConfigError(f"PLATFORM_SIRET must be 14 digits, got {siret!r}")
    return siret


def _smtp(env: Mapping[str, str]) -> SmtpSettings | None:
    raw = (env.get("SMTP_URL") or "").strip()
    if not raw:
        return None
    shown = "SMTP_URL must look like smtp://user:password@host:587?starttls=1 or smtps://host:465"
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError:
        raise ConfigError(f"{shown} (the port is not a number)") from None
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ConfigError(shown)
    query = parse_qs(parts.query)
    unknown = set(query) - {"starttls"}
    if unknown:
        raise ConfigError(f"{shown} (unknown option {sorted(unknown)[0]!r})")
    starttls_raw = (query.get("starttls") or ["0"])[-1].lower()
    if starttls_raw not in ("0", "1", "true", "false"):
        raise ConfigError(f"SMTP_URL starttls must be 1 or 0, got {starttls_raw!r}")
    starttls = starttls_raw in ("1", "true")
    ssl = parts.scheme == "smtps"
    if ssl and starttls:
        raise ConfigError("SMTP_URL: smtps:// is already TLS; drop ?starttls=1")
    return SmtpSettings(
        host=parts.hostname,
        port=port or (465 if ssl else 25),
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        ssl=ssl,
        starttls=starttls,
    )


def _mail_from(env: Mapping[str, str]) -> str:
    """MAIL_FROM, by default ne-pas-repondre@ the PUBLIC_URL host."""
    raw = (env.get("MAIL_FROM") or "").strip()
    if not raw:
        host = urlsplit(_public_url(env)).hostname or "localhost"
        return f"ne-pas-repondre@{host}"
    from email.utils import parseaddr

    _name, address = parseaddr(raw)
    local, _sep, domain = address.partition("@")
    if not local or not domain or any(c.isspace() for c in address):
        raise ConfigError(f"MAIL_FROM must be an e-mail address, got {raw!r}")
    return raw


def _broker_url(env: Mapping[str, str]) -> str | None:
    raw = (env.get("JOBS_BROKER_URL") or "").strip()
    if not raw:
        return None
    scheme = urlsplit(raw).scheme
    if scheme not in ("redis", "rediss"):
        # Not the URL itself in the message: it may carry the broker's password.
        raise ConfigError(f"JOBS_BROKER_URL must be a redis:// or rediss:// URL, not {scheme!r}")
    return raw


def _jobs_embedded(env: Mapping[str, str]) -> str:
    mode = (env.get("JOBS_EMBEDDED") or "thread").strip().lower()
    if mode not in JOBS_EMBEDDED_MODES:
        raise ConfigError(f"JOBS_EMBEDDED must be 'thread' or 'off', got {mode!r}")
    return mode


def _storage(env: Mapping[str, str]) -> FileStorageSettings | S3StorageSettings | None:
    """STORAGE_URL: unset (instance/files/), file:///absolute/path or s3://bucket/prefix?...

    A message never repeats an s3:// URL: an operator may have put a secret in it.
    """
    raw = (env.get("STORAGE_URL") or "").strip()
    if not raw:
        return None
    scheme = raw.partition("://")[0].lower() if "://" in raw else ""
    if scheme == "file":
        return _file_storage(raw)
    if scheme == "s3":
        return _s3_storage(raw, env)
    raise ConfigError("STORAGE_URL must start with file:/// or s3://")


def _file_storage(raw: str) -> FileStorageSettings:
    parts = urlsplit(raw)
    if parts.netloc not in ("", "localhost") or parts.query or parts.fragment:
        raise ConfigError(f"STORAGE_URL must look like file:///absolute/path, got {raw!r}")
    path = Path(unquote(parts.path))
    if not path.is_absolute() or ".." in path.parts or path == Path("/"):
        raise ConfigError(f"STORAGE_URL must name an absolute folder (file:///...), got {raw!r}")
    return FileStorageSettings(root=path)


def _s3_storage(raw: str, env: Mapping[str, str]) -> S3StorageSettings:
    shown = "STORAGE_URL must look like s3://bucket/prefix?endpoint=https://host&region=fr-par"
    try:
        parts = urlsplit(raw)
        query = parse_qs(parts.query, keep_blank_values=True, strict_parsing=bool(parts.query))
    except ValueError:
        raise ConfigError(shown) from None
    if "@" in parts.netloc:
        raise ConfigError(
            "STORAGE_URL must not carry credentials: set AWS_ACCESS_KEY_ID and "
            "AWS_SECRET_ACCESS_KEY instead"
        )
    bucket = parts.netloc
    if not _BUCKET_NAME.fullmatch(bucket) or ".." in bucket:
        raise ConfigError(f"{shown} (the bucket name {bucket!r} is not a valid S3 bucket name)")
    if parts.fragment:
        raise ConfigError(shown)
    segments = [s for s in parts.path.split("/") if s]
    if any(not _PREFIX_SEGMENT.fullmatch(s) for s in segments):
        raise ConfigError(f"{shown} (the prefix may hold letters, digits, '.', '_', '-' and '/')")
    prefix = "".join(s + "/" for s in segments)
    unknown = sorted(set(query) - set(S3_OPTIONS))
    if unknown:
        raise ConfigError(f"{shown} (unknown option {unknown[0]!r})")
    options = {name: values[-1].strip() for name, values in query.items()}

    endpoint = options.get("endpoint") or None
    if endpoint is not None:
        endpoint_parts = urlsplit(endpoint)
        if (
            endpoint_parts.scheme not in ("http", "https")
            or not endpoint_parts.hostname
            or endpoint_parts.username is not None
            or endpoint_parts.query
        ):
            raise ConfigError(
                f"STORAGE_URL endpoint must be an http:// or https:// base URL, got {endpoint!r}"
            )
    sse = options.get("sse") or None
    if sse is not None and sse not in S3_SSE_VALUES:
        raise ConfigError(f"STORAGE_URL sse must be AES256 or aws:kms, got {sse!r}")
    addressing = options.get("addressing") or ("path" if endpoint else "auto")
    if addressing not in S3_ADDRESSING_STYLES:
        raise ConfigError(f"STORAGE_URL addressing must be path or virtual, got {addressing!r}")
    region = options.get("region") or env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION")

    access_key = env.get("AWS_ACCESS_KEY_ID") or None
    secret = env.get("AWS_SECRET_ACCESS_KEY") or None
    if (access_key is None) != (secret is None):
        present, missing = (
            ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
            if access_key
            else ("AWS_SECRET_ACCESS_KEY", "AWS_ACCESS_KEY_ID")
        )
        raise ConfigError(f"{missing} is required with {present} (STORAGE_URL=s3://...)")
    return S3StorageSettings(
        bucket=bucket,
        prefix=prefix,
        endpoint_url=endpoint.rstrip("/") if endpoint else None,
        region=region or None,
        addressing_style=addressing,
        server_side_encryption=sse,
        access_key_id=access_key,
        secret_access_key=secret,
        session_token=(env.get("AWS_SESSION_TOKEN") or None) if access_key else None,
    )
