"""zugong settings: one module, driven by environment variables, failing loudly on bad values.

Nothing here exists only in production; the test suite only swaps in faster password hashing
(see conftest.py).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured

# Lets generic Django classes be subscripted at run time (`ModelAdmin[OrgUnit]`), as mypy --strict wants.
django_stubs_ext.monkeypatch()

PACKAGE_DIR = Path(__file__).resolve().parent


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean: use 1/0, true/false, yes/no or on/off")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer") from exc
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={value} must be at least {minimum}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    items = [item.strip() for item in raw.split(",") if item.strip()]
    if not items:
        raise ImproperlyConfigured(f"{name} is set but names nothing")
    return items


def load_secret_key(var_dir: Path) -> str:
    """ZUGONG_SECRET_KEY, or a key generated once into var/secret_key with mode 600."""
    explicit = os.environ.get("ZUGONG_SECRET_KEY")
    if explicit:
        if len(explicit) < 32:
            raise ImproperlyConfigured("ZUGONG_SECRET_KEY must be at least 32 characters long")
        return explicit
    key_file = var_dir / "secret_key"
    if key_file.exists():
        return key_file.read_text(encoding="ascii").strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    # Written whole under a private name, then linked into place: of processes starting together on a new
    # install (two workers), one key wins and every process reads that one, never a half-written file.
    draft = var_dir / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key)
    try:
        os.link(draft, key_file)
    except FileExistsError:
        key = key_file.read_text(encoding="ascii").strip()
    finally:
        draft.unlink()
    return key


def create_private_file(path: Path) -> None:
    """Create `path` empty with mode 600 unless it exists: SQLite then keeps that mode for the database
    and gives it to its -wal and -shm files too (created by SQLite itself, it would be 644 under a common umask)."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        return


def database_config(url: str, var_dir: Path) -> dict[str, Any]:
    if not url.startswith(("sqlite://", "postgres://", "postgresql://")):
        raise ImproperlyConfigured(f"DATABASE_URL must be sqlite:// or postgres://, not {url.split(':')[0]!r}")
    config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        name = Path(config["NAME"])
        if not name.is_absolute():
            name = Path.cwd() / name
        name.parent.mkdir(parents=True, exist_ok=True)
        config["NAME"] = str(name)
        create_private_file(name)
        config["CONN_MAX_AGE"] = 0
        # IMMEDIATE makes every write transaction take the lock up front, so the audit chain's
        # read-last-then-append cannot interleave between two writers.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    test_name = os.environ.get("ZUGONG_TEST_DB_NAME")
    if test_name:
        config["TEST"] = {"NAME": test_name}
    return config


VAR_DIR = Path(env_str("ZUGONG_VAR_DIR", str(Path.cwd() / "var"))).resolve()
DEBUG = env_bool("ZUGONG_DEBUG", False)
SECRET_KEY = load_secret_key(VAR_DIR)
ALLOWED_HOSTS = env_list("ZUGONG_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("ZUGONG_CSRF_TRUSTED_ORIGINS", [])
# The embedded default lives in the var dir with the secret key and uploads (ZUGONG_VAR_DIR moves all of them).
DATABASES = {"default": database_config(env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'zugong.sqlite3'}"), VAR_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "zugong.core",
    "zugong.cadres",
    "zugong.rules",
    "zugong.talks",
    "zugong.masswork",
    "zugong.meetings",
    "zugong.selection",
    "zugong.rectification",
    "zugong.assessment",
    "zugong.fieldwork",
    "zugong.jobs",
    "django_tasks",
    "django_tasks_db",
    "axes",
]

MIDDLEWARE = [
    # First: one error contract under /api/ and /open311/, oversized bodies refused before anything reads them.
    "zugong.core.middleware.ErrorContractMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Django's session, locale, authentication and messages middleware, with a shortcut for a bearer API request
    # without cookies (zugong/core/middleware.py).
    "zugong.core.middleware.SessionMiddleware",
    "zugong.core.middleware.ChineseFirstMiddleware",
    "zugong.core.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "zugong.core.middleware.AuthenticationMiddleware",
    "zugong.core.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "zugong.core.middleware.SecurityHeadersMiddleware",
    "zugong.core.middleware.JurisdictionMiddleware",
    # Last: turns a lockout decided during the request into the Chinese lockout page (zugong/core/lockout.py).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "zugong.urls"
WSGI_APPLICATION = "zugong.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "zugong.core.context.shell",
            ],
        },
    }
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login throttling (zugong/core/lockout.py): the axes backend refuses a locked-out account or address first.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = env_int("ZUGONG_LOGIN_FAILURE_LIMIT", 5, minimum=1)
ZUGONG_LOGIN_LOCKOUT_MINUTES = env_int("ZUGONG_LOGIN_LOCKOUT_MINUTES", 5, minimum=1)
ZUGONG_LOGIN_LOCKOUT_MAX_MINUTES = env_int("ZUGONG_LOGIN_LOCKOUT_MAX_MINUTES", 24 * 60, minimum=1)
AXES_COOLOFF_TIME = "zugong.core.lockout.cool_off"
AXES_LOCKOUT_CALLABLE = "zugong.core.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ADMIN = False
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = env_str("ZUGONG_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve straight from the source folders (tests, development) unless `zugong run` collected them.
WHITENOISE_USE_FINDERS = env_bool("ZUGONG_STATIC_FROM_SOURCE", True)
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"

# Uploads: nothing larger than this is read into memory or accepted at all.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("ZUGONG_MAX_UPLOAD_BYTES", 20 * 1024 * 1024, minimum=1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
ZUGONG_MAX_UPLOAD_BYTES = DATA_UPLOAD_MAX_MEMORY_SIZE
# Rows (records) one import may hold (cadre rosters and files, org units); more is refused.
ZUGONG_IMPORT_MAX_ROWS = env_int("ZUGONG_IMPORT_MAX_ROWS", 50_000, minimum=1)

# Security headers and cookies. HTTPS-only settings switch on with ZUGONG_HTTPS=1.
ZUGONG_HTTPS = env_bool("ZUGONG_HTTPS", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = ZUGONG_HTTPS
CSRF_COOKIE_SECURE = ZUGONG_HTTPS
SECURE_SSL_REDIRECT = ZUGONG_HTTPS and env_bool("ZUGONG_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31536000 if ZUGONG_HTTPS else 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("ZUGONG_BEHIND_PROXY") else None
SESSION_COOKIE_AGE = env_int("ZUGONG_SESSION_SECONDS", 8 * 3600, minimum=300)

EMAIL_BACKEND = env_str("ZUGONG_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("ZUGONG_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("ZUGONG_EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = env_str("ZUGONG_EMAIL_FROM", "zugong@localhost")
ZUGONG_EMAIL_ENABLED = env_bool("ZUGONG_EMAIL_ENABLED", False)
# Signed audit checkpoints (core/checkpoints.py); the key itself is ZUGONG_AUDIT_KEY, read when used.
ZUGONG_AUDIT_KEY_FILE = Path(env_str("ZUGONG_AUDIT_KEY_FILE", str(VAR_DIR / "audit.key")))
ZUGONG_AUDIT_CHECKPOINT_FILE = Path(env_str("ZUGONG_AUDIT_CHECKPOINT_FILE", str(VAR_DIR / "audit-checkpoints.jsonl")))
ZUGONG_AUDIT_CHECKPOINT_EMAIL = env_str("ZUGONG_AUDIT_CHECKPOINT_EMAIL", "")
# Open311 GeoReport v2 requires an api_key for POST; the residents' own page never needs one.
ZUGONG_OPEN311_POST_KEY_REQUIRED = env_bool("ZUGONG_OPEN311_POST_KEY_REQUIRED", True)

# Background jobs (docs/jobs.md): django-tasks with its database backend, so the queue lives in the same
# database (SQLite for `make run`, PostgreSQL in production) and any number of `zugong worker`s consume it.
# ZUGONG_TASKS_BACKEND=immediate runs each job inside the request that starts it (no worker needed).
_TASK_BACKENDS = {"database": "django_tasks_db.DatabaseBackend",
                  "immediate": "django_tasks.backends.immediate.ImmediateBackend"}
_task_backend = env_str("ZUGONG_TASKS_BACKEND", "database")
if _task_backend not in _TASK_BACKENDS:
    raise ImproperlyConfigured(f"ZUGONG_TASKS_BACKEND={_task_backend!r}: use database or immediate")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[_task_backend], "QUEUES": ["default"]}}
# The scheduler's daily times (local, HH:MM; "off" disables) and how old a worker heartbeat may be in /healthz.
ZUGONG_EVALUATE_AT = env_str("ZUGONG_EVALUATE_AT", "01:30")
ZUGONG_CHECKPOINT_AT = env_str("ZUGONG_CHECKPOINT_AT", "02:30")
ZUGONG_WORKER_STALE_SECONDS = env_int("ZUGONG_WORKER_STALE_SECONDS", 120, minimum=10)

# Shared by every worker: throttles and login lockouts count here (zugong/core/cache.py).
# Django culls a third of a database cache past MAX_ENTRIES (300 by default): a flood of new addresses would
# evict the counters of the others, so only expired entries are culled in practice.
CACHES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "zugong.core.cache.DatabaseCache", "LOCATION": "zugong_cache",
                "OPTIONS": {"MAX_ENTRIES": 1_000_000}}}
if os.environ.get("ZUGONG_REDIS_URL"):
    CACHES["default"] = {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                         "LOCATION": os.environ["ZUGONG_REDIS_URL"]}

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("ZUGONG_LOG_LEVEL", "WARNING")},
}
