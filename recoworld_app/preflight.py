"""Start-up checks that name the setting to fix in one line instead of a traceback."""

from django.conf import settings
from django.db import connection


def database_problem() -> str | None:
    try:
        connection.ensure_connection()
    except Exception as exc:  # any driver error means the same thing to the operator
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return (
            f"database unreachable ({first_line}); set DATABASE_URL (now {_redacted(settings.DATABASE_URL)})"
        )
    return None


def broker_problem() -> str | None:
    from recoworld_app.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=3)
    except Exception as exc:
        return _problem("broker", exc, "CELERY_BROKER_URL", settings.CELERY_BROKER_URL)
    return None


def problems() -> list[str]:
    return [p for p in (database_problem(), broker_problem()) if p]


def _problem(what: str, exc: Exception, variable: str, url: str) -> str:
    text = str(exc).strip()
    reason = text.splitlines()[0] if text else type(exc).__name__
    return f"{what} unreachable ({reason}); set {variable} (now {_redacted(url)})"


def _redacted(url: str) -> str:
    """Hide a password in a URL before printing it."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        credentials, host = rest.rsplit("@", 1)
        user = credentials.split(":", 1)[0]
        return f"{scheme}://{user}:***@{host}" if ":" in credentials else url
    return url
