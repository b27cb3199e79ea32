import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from recoworld_app.settings import database_from_url


def test_sqlite_url_with_absolute_path():
    config = database_from_url("sqlite:////tmp/x/app.sqlite3")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == "/tmp/x/app.sqlite3"


def test_postgres_url_gives_psycopg_settings():
    config = database_from_url("postgres://bob:s%40cret@db.example:6543/studio?sslmode=require")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["USER"], config["PASSWORD"], config["HOST"], config["PORT"], config["NAME"]) == (
        "bob",
        "s@cret",
        "db.example",
        "6543",
        "studio",
    )
    assert config["OPTIONS"]["sslmode"] == "require"


def test_unknown_scheme_is_a_clear_error():
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        database_from_url("mysql://root@localhost/x")


PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "k" * 20 + "-production-like-secret-of-fifty-chars-and-more",
    "ALLOWED_HOSTS": "studio.example.com",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "SECURE_HSTS_PRELOAD": "true",
    "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto: https",
}


def _deploy_check(tmp_path, **variables):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SECURE_", "DJANGO_"))}
    env |= {"RECOWORLD_VAR_DIR": str(tmp_path)} | variables
    root = Path(__file__).resolve().parents[2]
    command = [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"]
    return subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=120)


def test_a_production_deployment_passes_check_deploy_by_variables_alone(tmp_path):
    passed = _deploy_check(tmp_path, **PRODUCTION)
    assert passed.returncode == 0, passed.stderr
    plain = _deploy_check(tmp_path, **{k: v for k, v in PRODUCTION.items() if not k.startswith("SECURE_")})
    assert plain.returncode != 0 and "security.W004" in plain.stderr and "security.W008" in plain.stderr


def test_proxy_ssl_header_is_read_as_django_wants_it(monkeypatch):
    from recoworld_app.settings import proxy_ssl_header

    monkeypatch.setenv("SECURE_PROXY_SSL_HEADER", "X-Forwarded-Proto: https")
    assert proxy_ssl_header("SECURE_PROXY_SSL_HEADER") == ("HTTP_X_FORWARDED_PROTO", "https")
    monkeypatch.setenv("SECURE_PROXY_SSL_HEADER", "X-Forwarded-Proto")
    with pytest.raises(ImproperlyConfigured, match="SECURE_PROXY_SSL_HEADER"):
        proxy_ssl_header("SECURE_PROXY_SSL_HEADER")
    monkeypatch.delenv("SECURE_PROXY_SSL_HEADER")
    assert proxy_ssl_header("SECURE_PROXY_SSL_HEADER") is None
