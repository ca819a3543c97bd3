"""Application configuration, driven by environment variables."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"

INSECURE_SECRET_KEYS = {"", "dev", "change-me", "dev-insecure-secret-key"}


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def _list(name: str) -> list[str]:
    return [part.strip() for part in os.environ.get(name, "").split(",") if part.strip()]


def normalise_database_url(url: str) -> str:
    """Let operators paste a plain postgres:// URL; we always talk to PostgreSQL through psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


LOOPBACK_HOSTS = ("127.0.0.1", "localhost")


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-insecure-secret-key")
    # The address people use to reach the service. Every link in an email is built from it, never from a request.
    SERVICE_URL = os.environ.get("SERVICE_URL") or f"http://127.0.0.1:{os.environ.get('PORT') or 5000}"
    # Host names answered besides SERVICE_URL's own (comma-separated in the environment); any other gets 400.
    EXTRA_TRUSTED_HOSTS = _list("TRUSTED_HOSTS")
    ALLOW_LOOPBACK_HOSTS = True
    # How many proxies in front of the app set each X-Forwarded-* header (werkzeug ProxyFix); 0 trusts none.
    PROXY_FIX_X_FOR = _int("PROXY_FIX_X_FOR", 0)
    PROXY_FIX_X_PROTO = _int("PROXY_FIX_X_PROTO", 0)
    PROXY_FIX_X_HOST = _int("PROXY_FIX_X_HOST", 0)
    PROXY_FIX_X_PORT = _int("PROXY_FIX_X_PORT", 0)
    PROXY_FIX_X_PREFIX = _int("PROXY_FIX_X_PREFIX", 0)
    SQLALCHEMY_DATABASE_URI = normalise_database_url(
        os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'safeguarding.sqlite3'}")
    )
    # SQLite only: how long a writer waits for another's write lock before failing with "database is locked".
    SQLITE_BUSY_TIMEOUT_SECONDS = float(os.environ.get("SQLITE_BUSY_TIMEOUT_SECONDS") or 10)
    PARTNERSHIP_NAME = os.environ.get("PARTNERSHIP_NAME", "Riverside Safeguarding Children Partnership")
    SERVICE_PHASE = os.environ.get("SERVICE_PHASE", "Beta")

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = _int("MAIL_PORT", 25)
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "no-reply@partnership.example")
    MAIL_TIMEOUT = _int("MAIL_TIMEOUT", 10)
    # The outbox worker (`flask mail deliver`): tries per message before it is marked failed, and the first wait
    # between tries, doubled after each failure up to MAIL_RETRY_MAX_SECONDS.
    MAIL_MAX_ATTEMPTS = _int("MAIL_MAX_ATTEMPTS", 5)
    MAIL_RETRY_SECONDS = _int("MAIL_RETRY_SECONDS", 60)
    MAIL_RETRY_MAX_SECONDS = _int("MAIL_RETRY_MAX_SECONDS", 3600)

    # Background jobs (downloads, email delivery): on RQ in this Redis when set, run by `flask jobs worker`; when
    # empty, in a thread of the app server ("thread") or inside the request ("sync").
    JOBS_REDIS_URL = os.environ.get("JOBS_REDIS_URL", "")
    JOBS_IN_PROCESS = os.environ.get("JOBS_IN_PROCESS", "thread")
    JOBS_MAX_ATTEMPTS = _int("JOBS_MAX_ATTEMPTS", 3)
    JOBS_RETRY_SECONDS = _int("JOBS_RETRY_SECONDS", 10)
    JOBS_TIMEOUT_SECONDS = _int("JOBS_TIMEOUT_SECONDS", 3600)
    JOBS_SWEEP_SECONDS = _int("JOBS_SWEEP_SECONDS", 10)
    JOBS_QUEUED_GRACE_SECONDS = _int("JOBS_QUEUED_GRACE_SECONDS", 30)
    # Prepared downloads are deleted this long after they were finished (0 keeps them for ever); the job's page
    # then offers to prepare the file again.
    JOBS_FILE_RETENTION_HOURS = float(os.environ.get("JOBS_FILE_RETENTION_HOURS") or 24)

    # Where the bytes of evidence files and prepared downloads go: empty or "database:" for the database (the
    # default), or s3://bucket/prefix?endpoint_url=http://host:port&region=... for an S3-compatible store, with
    # credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (never in the URL). Files stay readable from the
    # store that holds them after this changes; `flask files move` moves them.
    FILE_STORAGE_URL = os.environ.get("FILE_STORAGE_URL", "")
    # An object under that S3 prefix that no stored file points at is deleted by the orphan sweep once it is this
    # old (app.filestore_sweep), so an upload whose transaction has not committed yet is never taken for one.
    FILE_ORPHAN_GRACE_HOURS = float(os.environ.get("FILE_ORPHAN_GRACE_HOURS") or 24)

    # Where releases before migration 0022 kept evidence files; the upgrade moves them into the database.
    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER", str(INSTANCE_DIR / "uploads"))
    MAX_CONTENT_LENGTH = _int("MAX_CONTENT_LENGTH", 10 * 1024 * 1024)
    UPLOAD_EXTENSIONS = ("pdf", "docx", "xlsx", "png", "jpg", "jpeg")
    # Largest single evidence file accepted; never more than MAX_CONTENT_LENGTH, the whole request.
    UPLOAD_MAX_FILE_BYTES = _int("UPLOAD_MAX_FILE_BYTES", 5 * 1024 * 1024)

    # Pseudonymous case references only, e.g. CR-000123; never a child's name.
    CASE_REFERENCE_PATTERN = os.environ.get("CASE_REFERENCE_PATTERN", r"^[A-Z]{2,4}-\d{4,10}$")
    MIN_CELL_SIZE = _int("MIN_CELL_SIZE", 5)
    STRENGTH_THRESHOLD = _int("STRENGTH_THRESHOLD", 80)
    IMPROVEMENT_THRESHOLD = _int("IMPROVEMENT_THRESHOLD", 60)
    # Practitioner agreement (%) below which a theme an organisation rated green is flagged as a mismatch.
    TRIANGULATION_AGREEMENT_THRESHOLD = _int("TRIANGULATION_AGREEMENT_THRESHOLD", 70)
    # Privacy parameter of the noise added to every count of an organisation's practitioner survey results when its
    # survey closes (two-sided geometric noise, P(k) ∝ exp(-epsilon·|k|)): smaller is noisier and more private.
    SURVEY_NOISE_EPSILON = float(os.environ.get("SURVEY_NOISE_EPSILON") or 1.0)

    INSTRUMENTS_DIR = os.environ.get("INSTRUMENTS_DIR", str(BASE_DIR / "instruments"))
    THEMES_FILE = os.environ.get("THEMES_FILE", str(BASE_DIR / "instruments" / "themes.yaml"))

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    # Password checks (sign-in, statement signing, changing a password): per account, and per client address.
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "5 per minute")
    LOGIN_ADDRESS_RATE_LIMIT = os.environ.get("LOGIN_ADDRESS_RATE_LIMIT", "20 per minute")
    SURVEY_RATE_LIMIT = os.environ.get("SURVEY_RATE_LIMIT", "20 per minute")
    # Posts to the emailed-link forms (forgot password, invitation, password reset), per client address and form.
    ACCOUNT_LINK_RATE_LIMIT = os.environ.get("ACCOUNT_LINK_RATE_LIMIT", "5 per minute")
    # Findings pages and their downloads (Excel, CSV), per signed-in user.
    FINDINGS_RATE_LIMIT = os.environ.get("FINDINGS_RATE_LIMIT", "120 per minute")
    EXPORT_RATE_LIMIT = os.environ.get("EXPORT_RATE_LIMIT", "10 per minute")

    TOKEN_MAX_AGE_SECONDS = _int("TOKEN_MAX_AGE_SECONDS", 3 * 24 * 3600)
    PASSWORD_RESET_MAX_AGE_SECONDS = _int("PASSWORD_RESET_MAX_AGE_SECONDS", 3600)

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = _int("SESSION_LIFETIME_SECONDS", 8 * 3600)
    WTF_CSRF_TIME_LIMIT = None  # tied to the session instead, so long audit pages don't expire mid-form
    HSTS = False

    DEMO_ALLOWED = True
    DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "demo-password")

    # Ed25519 seals on signed statements (app/statements/keys.py; README, "Statement seals"). The private key: a PEM
    # file, or the key itself (PEM, or base64 of its 32 raw bytes). Public keys of earlier signing keys, so that
    # statements sealed before a rotation keep verifying: PEM blocks or base64 raw keys, in a file or the setting.
    STATEMENT_SIGNING_KEY_FILE = os.environ.get("STATEMENT_SIGNING_KEY_FILE", "")
    STATEMENT_SIGNING_KEY = os.environ.get("STATEMENT_SIGNING_KEY", "")
    STATEMENT_PREVIOUS_PUBLIC_KEYS_FILE = os.environ.get("STATEMENT_PREVIOUS_PUBLIC_KEYS_FILE", "")
    STATEMENT_PREVIOUS_PUBLIC_KEYS = os.environ.get("STATEMENT_PREVIOUS_PUBLIC_KEYS", "")
    # With no key configured, make one on first use in instance/statement-signing-key.pem (never in production).
    STATEMENT_SIGNING_KEY_GENERATE = True

    @classmethod
    def validate(cls, app_config: dict) -> None:
        """Hook for configs that must refuse to start when misconfigured."""


class DevelopmentConfig(Config):
    DEBUG = False


class TestConfig(Config):
    TESTING = True
    SERVICE_URL = "https://safeguarding.example.org"
    SQLALCHEMY_DATABASE_URI = normalise_database_url(os.environ.get("TEST_DATABASE_URL", "sqlite://"))
    SECRET_KEY = "test-secret-key-not-for-production"
    RATELIMIT_STORAGE_URI = "memory://"
    # Tests open many findings pages as one user; tests/findings/test_rate_limits.py sets small limits itself.
    FINDINGS_RATE_LIMIT = "100000 per minute"
    EXPORT_RATE_LIMIT = "100000 per minute"
    MAIL_SERVER = os.environ.get("TEST_MAIL_SERVER", "")
    # Jobs run inside the request, in the test's transaction; tests/jobs switches to RQ on Redis db 3 itself.
    JOBS_REDIS_URL = ""
    JOBS_IN_PROCESS = "sync"
    JOBS_RETRY_SECONDS = 0
    FILE_STORAGE_URL = ""  # tests/files switches to an S3 server of its own
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # fast hashes keep the suite quick; production uses scrypt
    # Most tests post forms directly; tests/test_security.py switches CSRF back on to prove every POST needs it.
    WTF_CSRF_ENABLED = False


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    HSTS = True
    DEMO_ALLOWED = False
    STATEMENT_SIGNING_KEY_GENERATE = False
    ALLOW_LOOPBACK_HOSTS = False
    SERVICE_URL = os.environ.get("SERVICE_URL", "")

    @classmethod
    def validate(cls, app_config: dict) -> None:
        """Refuse to start, naming every setting that is missing or unsafe at once."""
        problems = []
        key = app_config.get("SECRET_KEY") or ""
        if key in INSECURE_SECRET_KEYS or len(key) < 32:
            problems.append("SECRET_KEY must be set to a random value of at least 32 characters in production")
        if not (app_config.get("STATEMENT_SIGNING_KEY") or app_config.get("STATEMENT_SIGNING_KEY_FILE")):
            problems.append(
                "STATEMENT_SIGNING_KEY_FILE (a PEM file) or STATEMENT_SIGNING_KEY must be set in "
                "production: signed statements are sealed with it (README, Statement seals)"
            )
        service = urlsplit(app_config.get("SERVICE_URL") or "")
        if service.scheme != "https" or not service.hostname:
            problems.append(
                "SERVICE_URL must be set to the https address people use to reach the service, like "
                "https://safeguarding.example.org: links in emails are built from it"
            )
        if problems:
            raise RuntimeError("; ".join(problems))


def trusted_hosts(app_config: dict) -> list[str]:
    """The host names the app answers: SERVICE_URL's, TRUSTED_HOSTS, and loopback outside production."""
    hosts = [urlsplit(app_config.get("SERVICE_URL") or "").hostname or ""]
    hosts += list(app_config.get("EXTRA_TRUSTED_HOSTS") or ())
    if app_config.get("ALLOW_LOOPBACK_HOSTS"):
        hosts += LOOPBACK_HOSTS
    return list(dict.fromkeys(host for host in hosts if host))


CONFIGS = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "testing": TestConfig,
    "production": ProductionConfig,
}


def config_for(name: str | None):
    name = (name or os.environ.get("APP_CONFIG") or "development").lower()
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"Unknown APP_CONFIG {name!r}; use one of {', '.join(sorted(CONFIGS))}") from None
