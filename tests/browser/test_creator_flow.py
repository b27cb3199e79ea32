"""The whole creator flow in a real browser on the embedded default, with a real worker: sign up,
upload a video (made here with PyAV) and see what its audience will see, and an image, build a slice
audience, queue two variants, watch the progress bar move, see the charts drawn, compare the drafts and
download every export."""

import csv
import io
import json
import re

from playwright.sync_api import expect

from recoworld_app.models import Audience, Draft, SimulationRun
from recoworld_app.samples import image_bytes, video_bytes

PLOTLY_SVG = ".js-plotly-plot svg.main-svg"


def _upload_draft(page, url, screens, *, title, caption, path, step):
    page.goto(f"{url}/drafts/new/")
    page.fill("#id_title", title)
    page.fill("#id_caption", caption)
    page.set_input_files("#id_file", str(path))
    screens.shot(f"{step}-filled")
    page.click("button[type=submit]:has-text('Save draft')")
    expect(page.locator("h1")).to_contain_text(title, timeout=60_000)
    screens.shot(f"{step}-saved")


def test_creator_uploads_runs_watches_compares_and_exports(
    page, screens, live_server, celery_worker, tmp_path
):
    url = live_server.url
    video = tmp_path / "pasta.mp4"
    video.write_bytes(video_bytes(seconds=3, fps=12))
    picture = tmp_path / "sunset.jpg"
    picture.write_bytes(image_bytes(width=640, height=480))

    page.goto(f"{url}/signup/")
    page.fill("#id_username", "erin")
    page.fill("#id_password1", "a-long-pass-phrase-9")
    page.fill("#id_password2", "a-long-pass-phrase-9")
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_contain_text("erin")

    _upload_draft(
        page, url, screens, title="Pasta in 30 s", caption="Dinner #cooking", path=video, step="01-video"
    )
    expect(page.locator("video")).to_be_visible()
    # the worker looks at the video while the page polls: then what the audience will see
    panel = page.locator("#draft-perception")
    expect(panel).to_contain_text("What your audience will see")
    expect(panel).to_have_attribute("data-state", "done", timeout=90_000)
    expect(panel).to_contain_text("The hook (first 3 s)")
    expect(panel).to_contain_text("cuts a minute")
    screens.shot("01-video-seen")
    _upload_draft(
        page, url, screens, title="Sunset", caption="Golden hour #travel", path=picture, step="02-image"
    )
    assert set(Draft.objects.values_list("kind", flat=True)) == {"video", "image"}

    page.goto(f"{url}/audiences/new/slice/")
    page.fill("#id_name", "Young Americans")
    page.fill("#id_size", "1500")
    page.check("input[name=age_band][value='18-24']")
    page.check("input[name=age_band][value='25-34']")
    page.check("input[name=country][value='US']")
    screens.shot("03-slice-filled")
    page.click("button[type=submit]:has-text('Create audience')")
    expect(page.locator("h1")).to_contain_text("Young Americans")
    expect(page.locator(PLOTLY_SVG).first).to_be_attached(timeout=30_000)
    screens.shot("04-audience-make-up")
    assert Audience.objects.get().spec["filters"]["country"] == ["US"]

    page.goto(f"{url}/runs/new/")
    for box in page.locator("input[name=drafts]").all():
        box.check()
    page.check("input[name=mode][value=variants]")
    page.fill("#id_population", "2500")
    page.select_option("#id_horizon_hours", "168")
    page.fill("#id_reruns", "4")
    page.fill("#id_seed", "4242")
    screens.shot("05-run-filled")
    page.click("button[type=submit]:has-text('Start the simulation')")
    expect(page.locator("h1")).to_have_text("Compare runs")
    screens.shot("06-compare-waiting")
    first, second = SimulationRun.objects.order_by("pk")

    # The run page polls through htmx; the bar's value must be seen to move before the charts come.
    page.goto(f"{url}/runs/{first.pk}/")
    seen = set()
    read = """() => [document.querySelector('#run-state')?.dataset.status,
                     document.querySelector('[role=progressbar]')?.getAttribute('aria-valuenow')]"""
    for _ in range(1200):
        status, value = page.evaluate(read)  # one read: htmx may swap the bar out at any moment
        if status == "done":
            break
        if value is not None and int(value) not in seen:
            seen.add(int(value))
            screens.shot(f"07-progress-{value}")
        page.wait_for_timeout(150)
    expect(page.locator("#run-state")).to_have_attribute("data-status", "done", timeout=180_000)
    # The bar was shown while the run was active and gave way to the results; on a fast machine the
    # polls may see no step between 0 % and done.
    assert seen and min(seen) < 100, f"no progress bar was seen before the results: {sorted(seen)}"
    expect(page.locator(PLOTLY_SVG).first).to_be_attached(timeout=30_000)
    assert page.locator(PLOTLY_SVG).count() >= 3, "views over time, funnel, watch time, segments"
    factors = page.locator("#content-factors")
    expect(factors).to_contain_text("What your audience will see")
    expect(factors.locator("table.content-factors tr[data-factor]").first).to_be_visible()
    screens.shot("08-results")

    downloads = {}
    for label in ("CSV", "JSON", "HTML report"):
        with page.expect_download() as info:
            page.click(f".actions a:has-text('{label}')")
        downloads[label] = info.value.path().read_bytes()
    rows = list(csv.DictReader(io.StringIO(downloads["CSV"].decode("utf-8-sig"))))
    assert rows and {"metric", "horizon", "segment"} <= set(rows[0])
    assert json.loads(downloads["JSON"])["posts"][0]["content"]["factors"]
    report = downloads["HTML report"].decode()
    assert "<html" in report.lower() and not re.search(r"<script[^>]+src=[\"']https?://", report)
    report_path = tmp_path / "report.html"
    report_path.write_text(report)
    page.goto(report_path.as_uri())  # opens offline: its charts draw without the server
    expect(page.locator(PLOTLY_SVG).first).to_be_attached(timeout=30_000)
    screens.shot("09-offline-report")

    page.goto(f"{url}/runs/compare/?run={first.pk}&run={second.pk}")
    expect(page.locator("table.differences")).to_be_visible(timeout=180_000)
    expect(page.locator(PLOTLY_SVG).first).to_be_attached(timeout=30_000)
    expect(page.locator("#content-side-by-side")).to_be_visible()
    screens.shot("10-compare")
    assert SimulationRun.objects.filter(status="done").count() == 2
