"""Helpers for tests that need real processes: a Celery worker, polling for an outcome."""

import os
import signal
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def simulator_cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    """`python -m simulator ARGS` in a process of its own, from the project's root."""
    return subprocess.run(
        [sys.executable, "-m", "simulator", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        input=stdin,
        timeout=300,
    )


def database_url_for_current_connection() -> str:
    """The URL of the database the tests use now (the test database, not the configured one)."""
    s = connection.settings_dict
    if s["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{Path(s['NAME']).resolve()}"
    auth = quote(s["USER"] or "")
    if s["PASSWORD"]:
        auth += ":" + quote(s["PASSWORD"])
    return f"postgres://{auth}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{s['NAME']}"


def worker_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url_for_current_connection(),
        CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
        CELERY_BROKER_DIR=str(settings.BROKER_DIR),
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        RUN_EXCHANGE_URL=settings.RUN_EXCHANGE_URL,
        PYTHONPATH=str(ROOT),
    )
    env.update(extra)
    return env


class WorkerProcess:
    """A `celery worker` in its own process, on the same database and broker as the tests."""

    def __init__(self, log_path: Path, concurrency: int = 1, pool: str = "prefork", **env: str):
        self.log_path = log_path
        self.concurrency = concurrency
        self.pool = pool  # "solo" as on GPU hosts: one process holding one LLM engine
        self.env = env
        self.proc: subprocess.Popen | None = None

    def start(self) -> "WorkerProcess":
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "recoworld_app",
                "worker",
                "-Q",
                "default,gpu",
                "--concurrency",
                str(self.concurrency),
                "--pool",
                self.pool,
                "--loglevel",
                "INFO",
                "--without-gossip",
                "--without-mingle",
                "-n",
                f"test-{uuid.uuid4().hex[:8]}@%h",
            ],
            cwd=ROOT,
            env=worker_env(**self.env),
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so that kill_all() takes the pool too
        )
        return self

    def kill_all(self) -> None:
        """SIGKILL the worker and its pool processes at once, as when its machine or container dies."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)
        self.log.close()

    def stop(self, kill: bool = False) -> None:
        if self.proc and self.proc.poll() is None:
            if kill:
                self.proc.kill()
            else:
                self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")


@contextmanager
def broker_unreachable():
    """Publishing goes to a port where nothing listens until the block ends, then to the real broker."""
    from kombu import pools

    from recoworld_app.celery import app

    saved = app.conf.broker_write_url, app.conf.broker_transport_options

    def use(url, options):
        # broker_write_url wins over the URL read from Django's settings, for publishing
        app.conf.broker_write_url, app.conf.broker_transport_options = url, options
        app.pool.force_close_all()
        app._pool = None
        app.amqp._producer_pool = None
        pools.reset()  # kombu's process-wide producer pools still hold the closed connections

    use("redis://127.0.0.1:9/0", {"max_retries": 0})
    try:
        yield
    finally:
        use(*saved)


def purge_broker() -> None:
    from recoworld_app.celery import app

    with app.connection_for_write() as conn:
        for queue in ("default", "gpu"):
            try:
                conn.default_channel.queue_purge(queue)
            except Exception:  # a queue that was never declared has nothing to purge
                pass


def wait_until(predicate, timeout: float = 60.0, interval: float = 0.2, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
