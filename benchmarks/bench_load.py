"""Load on loopback: 50 creators browse their results and submit small runs for 60 s, against gunicorn
and a Celery worker on the embedded default (or whatever DATABASE_URL / CELERY_BROKER_URL name).

Pages must answer with no error and a p95 under 300 ms. Bounded: BENCH_LOAD_SECONDS (60) of load,
BENCH_LOAD_CREATORS (50) simulated creators, each thinking 0.5-1.5 s between clicks; then everything
it started is stopped. Prints per-endpoint medians and p95s.
"""

import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CREATORS = int(os.environ.get("BENCH_LOAD_CREATORS", "50"))
SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", "60"))
P95_LIMIT_MS = 300.0
SUBMIT_EVERY_S = 10.0  # each creator queues a small run about this often
SMALL_RUN = {"population": 100, "horizon_hours": 24, "reruns": 1, "brain": "persona"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _environment(var_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        RECOWORLD_VAR_DIR=str(var_dir),
        DEBUG="false",
        SECRET_KEY="bench-load-" + os.urandom(8).hex(),
        SECURE_COOKIES="false",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        # Quota off: the load is the point here; quotas have their own tests.
        RUNS_MAX_ACTIVE="100000",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    if "DATABASE_URL" not in os.environ:
        env["DATABASE_URL"] = f"sqlite:///{var_dir / 'bench.sqlite3'}"
    return env


def setup_creators(count: int) -> list[dict]:
    """In a process configured by _environment(): creators, each with drafts, an audience, two
    finished runs (simulated here by the services the workers call), a session and an API token."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recoworld_app.settings")
    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from recoworld_app.models import Draft, RunShard
    from recoworld_app.services.audiences import audience_create_general
    from recoworld_app.services.runs import run_create, shard_execute
    from recoworld_app.services.tokens import token_create

    creators = []
    for i in range(count):
        user = get_user_model().objects.create_user(username=f"creator{i}", password=os.urandom(12).hex())
        drafts = [
            Draft.objects.create(owner=user, kind="text", title=f"Take {n}", caption=f"Hot take number {n}")
            for n in (1, 2)
        ]
        audience = audience_create_general(owner=user, name="General", size=200)
        runs = []
        for draft in drafts:
            run = run_create(
                owner=user, draft_ids=[draft.pk], audience_id=audience.pk, seed=i, dispatch=False, **SMALL_RUN
            )
            for shard_id in RunShard.objects.filter(run=run).values_list("pk", flat=True):
                shard_execute(shard_id=shard_id)
            runs.append(run.pk)
        client = Client()
        client.force_login(user)
        creators.append(
            {
                "session": client.cookies["sessionid"].value,
                "token": token_create(owner=user, name="load")[1],
                "draft": drafts[0].pk,
                "audience": audience.pk,
                "runs": runs,
            }
        )
    return creators


class Creator(threading.Thread):
    """One creator clicking through their results, with a think time between clicks."""

    def __init__(self, port: int, creator: dict, seed: int, until: float, record):
        super().__init__(daemon=True)
        self.port, self.creator, self.until, self.record = port, creator, until, record
        self.rng = random.Random(seed)

    def _request(self, kind: str, method: str, path: str, *, api: bool = False, body=None) -> None:
        if api:
            headers = {"Authorization": f"Bearer {self.creator['token']}", "Content-Type": "application/json"}
        else:
            headers = {"Cookie": f"sessionid={self.creator['session']}"}
        start = time.perf_counter()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
            response = conn.getresponse()
            response.read()
            status = response.status
            conn.close()
        except OSError as exc:
            status = type(exc).__name__
        self.record(kind, (time.perf_counter() - start) * 1000, status)

    def run(self) -> None:
        c = self.creator
        run_a, run_b = c["runs"]
        pages = [
            ("home", "/"),
            ("drafts", "/drafts/"),
            ("draft", f"/drafts/{c['draft']}/"),
            ("runs", "/runs/"),
            ("run results", f"/runs/{run_a}/"),
            ("run progress", f"/runs/{run_b}/progress/"),
            ("compare", f"/runs/compare/?run={run_a}&run={run_b}"),
            ("api results", f"/api/runs/{run_a}/results"),
        ]
        next_submit = time.monotonic() + self.rng.uniform(0, SUBMIT_EVERY_S)
        while time.monotonic() < self.until:
            if time.monotonic() >= next_submit:
                payload = {"draft_ids": [c["draft"]], "audience_id": c["audience"], **SMALL_RUN}
                self._request("submit run (API)", "POST", "/api/runs", api=True, body=payload)
                next_submit += SUBMIT_EVERY_S
            else:
                kind, path = self.rng.choice(pages)
                self._request(kind, "GET", path, api=path.startswith("/api/"))
            time.sleep(self.rng.uniform(0.5, 1.5))


def _wait_for_port(port: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port}")


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        var_dir = Path(tmp)
        env = _environment(var_dir)
        python = sys.executable
        started = time.perf_counter()
        for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
            subprocess.run(
                [python, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True
            )
        setup = f"import json, benchmarks.bench_load as b; print(json.dumps(b.setup_creators({CREATORS})))"
        made = subprocess.run(
            [python, "-c", setup], cwd=ROOT, env=env, check=True, capture_output=True, text=True
        )
        creators = json.loads(made.stdout.strip().splitlines()[-1])
        took = time.perf_counter() - started
        print(f"setup: {CREATORS} creators with 2 finished runs each in {took:.0f} s")

        port = _free_port()
        gunicorn = ["gunicorn", "recoworld_app.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "3"]
        gunicorn += ["--threads", "8", "--log-level", "warning"]
        celery = ["celery", "-A", "recoworld_app", "worker", "-Q", "default,gpu", "--concurrency", "1"]
        celery += ["--loglevel", "WARNING", "--without-gossip", "--without-mingle"]
        web, worker = (
            subprocess.Popen(
                [python, "-m", *command],
                cwd=ROOT,
                env=env,
                stdout=open(var_dir / f"{command[0]}.log", "wb"),
                stderr=subprocess.STDOUT,
            )
            for command in (gunicorn, celery)
        )
        samples: dict[str, list[float]] = {}
        errors: list[str] = []
        lock = threading.Lock()

        def record(kind: str, ms: float, status) -> None:
            with lock:
                samples.setdefault(kind, []).append(ms)
                ok = status == 201 if kind.startswith("submit") else status in (200, 286)
                if not ok:
                    errors.append(f"{kind}: {status}")

        try:
            _wait_for_port(port)
            until = time.monotonic() + SECONDS
            threads = [Creator(port, c, seed=i, until=until, record=record) for i, c in enumerate(creators)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=SECONDS + 60)
        finally:
            for proc in (web, worker):
                proc.terminate()
            for proc in (web, worker):
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
        count = "from recoworld_app.models import SimulationRun as R; "
        count += "print(R.objects.filter(status='done').count(), R.objects.count())"
        done = subprocess.run(
            [python, "manage.py", "shell", "-c", count], cwd=ROOT, env=env, capture_output=True, text=True
        )

    page_ms = [ms for kind, values in samples.items() if not kind.startswith("submit") for ms in values]
    total = sum(len(v) for v in samples.values())
    print(f"{CREATORS} creators for {SECONDS:.0f} s on loopback: {total} requests, {total / SECONDS:.1f}/s")
    print(f"{'endpoint':<18} {'count':>6} {'median ms':>10} {'p95 ms':>8}")
    for kind in sorted(samples):
        values = samples[kind]
        print(f"{kind:<18} {len(values):>6} {statistics.median(values):>10.1f} {_p95(values):>8.1f}")
    p95 = _p95(page_ms) if page_ms else float("nan")
    print(f"{'all pages':<18} {len(page_ms):>6} {statistics.median(page_ms):>10.1f} {p95:>8.1f}")
    # the last line: Django's shell may first say what it imported
    finished, submitted = ((done.stdout.strip().splitlines() or [""])[-1].split() + ["?", "?"])[:2]
    print(f"runs finished by the one worker: {finished} of {submitted} (incl. {2 * CREATORS} seeded)")
    print(f"errors: {len(errors)}" + (f" (first: {errors[:5]})" if errors else ""))
    verdict = "PASS" if not errors and p95 < P95_LIMIT_MS else "FAIL"
    print(f"{verdict}: no errors and page p95 {p95:.0f} ms < {P95_LIMIT_MS:.0f} ms")


if __name__ == "__main__":
    main()
