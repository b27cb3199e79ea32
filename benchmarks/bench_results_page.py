"""Results latency: the run page and the API's results for a finished run of 100,000 simulated users.

The run is simulated for real (persona brain, by the same services the workers call) into a private
SQLite database; then the page and the endpoint are requested through Django's test client and the
median over repeats is printed. Target: under 100 ms each.
"""

import os
import statistics
import tempfile
import time
from pathlib import Path

POPULATION = 100_000
RERUNS = 5
REPEATS = 25


def _setup_django(folder: Path) -> None:
    os.environ["RECOWORLD_VAR_DIR"] = str(folder)
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    os.environ["MEDIA_ROOT"] = str(folder / "media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recoworld_app.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def _finished_run():
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile

    from recoworld_app.models import RunShard
    from recoworld_app.samples import video_bytes
    from recoworld_app.services.audiences import audience_create_general
    from recoworld_app.services.drafts import draft_create
    from recoworld_app.services.runs import run_create, shard_execute

    user = get_user_model().objects.create_user(username="bench", password="bench-pass-123")
    draft = draft_create(
        owner=user,
        title="Bench clip",
        caption="#bench",
        topics=["food"],
        upload=SimpleUploadedFile("c.mp4", video_bytes(seconds=2)),
    )
    audience = audience_create_general(owner=user, name="Everyone", size=POPULATION)
    run = run_create(
        owner=user,
        draft_ids=[draft.pk],
        audience_id=audience.pk,
        population=POPULATION,
        horizon_hours=168,
        reruns=RERUNS,
        seed=11,
        dispatch=False,
    )
    started = time.perf_counter()
    for shard_id in RunShard.objects.filter(run=run).values_list("pk", flat=True):
        shard_execute(shard_id=shard_id)
    run.refresh_from_db()
    took = time.perf_counter() - started
    print(f"simulated {POPULATION:,} users x {RERUNS} reruns in {took:.1f} s: {run.status}")
    return user, run


def _median_ms(fetch) -> tuple[float, int]:
    fetch()  # warm caches, as a server would be
    times = []
    size = 0
    for _ in range(REPEATS):
        started = time.perf_counter()
        response = fetch()
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
        size = len(response.content)
    return statistics.median(times), size


def main() -> None:
    from django.test import Client

    with tempfile.TemporaryDirectory() as folder:
        _setup_django(Path(folder))
        from recoworld_app.models import RunMetric
        from recoworld_app.services.tokens import token_create

        user, run = _finished_run()
        print(f"aggregate rows stored: {RunMetric.objects.filter(run=run).count():,}")
        page = Client()
        page.force_login(user)
        api = Client(headers={"Authorization": f"Bearer {token_create(owner=user, name='bench')[1]}"})
        for label, fetch in (
            ("run page (HTML, charts)", lambda: page.get(f"/runs/{run.pk}/")),
            ("API results (JSON)", lambda: api.get(f"/api/runs/{run.pk}/results")),
            ("API status", lambda: api.get(f"/api/runs/{run.pk}")),
        ):
            median, size = _median_ms(fetch)
            verdict = "ok" if median < 100 else "OVER the 100 ms target"
            kib = size / 1024
            print(f"{label:26s} median {median:7.1f} ms over {REPEATS} requests, {kib:7.1f} KiB  {verdict}")


if __name__ == "__main__":
    main()
