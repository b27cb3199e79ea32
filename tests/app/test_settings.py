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
