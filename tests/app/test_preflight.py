"""Start-up with a dependency down: one line naming the variable, never a traceback."""

import subprocess
import sys

from tests.support import ROOT, worker_env


def run_preflight(**env):
    return subprocess.run(
        [sys.executable, "manage.py", "preflight"],
        cwd=ROOT,
        env=worker_env(**env),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_unreachable_database_names_database_url(db):
    result = run_preflight(DATABASE_URL="postgres://postgres@127.0.0.1:1/nowhere")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "DATABASE_URL" in lines[0]
    assert "Traceback" not in result.stderr


def test_unreachable_broker_names_celery_broker_url(db):
    result = run_preflight(CELERY_BROKER_URL="redis://127.0.0.1:1/0")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "CELERY_BROKER_URL" in lines[0]
    assert "Traceback" not in result.stderr


def test_healthy_dependencies_pass(db):
    result = run_preflight()
    assert result.returncode == 0, result.stderr
