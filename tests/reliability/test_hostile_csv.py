"""Broken and hostile follower CSVs through the page and the API: a clear message, nothing saved;
and exports that a spreadsheet or a browser opens safely whatever the creator typed."""

import csv
import html
import io
import re

import pytest
from django.urls import reverse

from recoworld_app.models import Audience, SimulationRun
from tests.app.conftest import upload
from tests.app.test_runs_results import simulate

HEADER = "age_band,gender,country,interests,activity\n"
GOOD_ROW = "18-24,female,US,food|travel,high\n"


def _million_rows() -> bytes:
    return (HEADER + "18-24,male,US,food,\n" * 1_000_000).encode()


CASES = [
    ("empty", b"", "empty"),
    ("header-only", HEADER.encode(), "no follower rows"),
    ("missing-columns", b"age_band,gender\n18-24,female\n", "missing column(s): country, interests"),
    ("latin-1", (HEADER + "18-24,female,US,caf\xe9,high\n").encode("latin-1"), "not UTF-8 text"),
    ("utf-16", (HEADER + GOOD_ROW).encode("utf-16"), "not"),
    ("binary-xlsx", b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)) * 40, "not"),
    ("formula-cells", (HEADER + "=cmd|' /C calc'!A0,female,US,food,high\n").encode(), "row 1: age_band"),
    (
        "formula-in-interests",
        (HEADER + '18-24,female,US,"=HYPERLINK(""http://x"",""y"")",high\n').encode(),
        "row 1: ",
    ),
    ("bad-values", (HEADER + "12-99,robot,XX,food,high\n" * 3).encode(), "row 3:"),
    ("one-huge-line", (HEADER + "18-24," + "x" * 3_000_000 + "\n").encode(), "not a readable CSV"),
    ("million-rows", _million_rows(), "more than 200,000 rows"),
    ("over-the-size-cap", (HEADER + GOOD_ROW * 2000).encode(), "larger than the 10.0\xa0KB limit"),
]


def _settings(case_id, settings):
    if case_id == "over-the-size-cap":
        settings.UPLOAD_MAX_CSV_BYTES = 10 * 1024


@pytest.mark.parametrize("case_id, content, message", CASES, ids=[c[0] for c in CASES])
def test_follower_csv_page_refuses_with_a_message(case_id, content, message, alice_client, settings):
    _settings(case_id, settings)
    response = alice_client.post(
        reverse("audience_new", args=["followers-csv"]),
        {"name": "Followers", "size": 500, "file": upload("followers.csv", content, "text/csv")},
    )
    assert response.status_code == 400
    assert message.lower() in html.unescape(response.content.decode()).lower()
    assert not Audience.objects.exists()


@pytest.mark.parametrize("case_id, content, message", CASES, ids=[c[0] for c in CASES])
def test_follower_csv_api_refuses_with_a_json_message(case_id, content, message, alice_api, settings):
    _settings(case_id, settings)
    response = alice_api.post(
        "/audiences/followers-csv",
        {"name": "Followers", "size": 500, "file": upload("followers.csv", content, "text/csv")},
    )
    assert response.status_code in (400, 413, 422), response.content[:300]
    assert message.lower() in response.json()["detail"].lower()
    assert not Audience.objects.exists()


def test_a_clean_csv_is_imported(alice_client, alice):
    response = alice_client.post(
        reverse("audience_new", args=["followers-csv"]),
        {"name": "Followers", "size": 500, "file": upload("f.csv", (HEADER + GOOD_ROW * 50).encode())},
    )
    assert response.status_code == 302
    assert len(Audience.objects.get(owner=alice).spec["follower_rows"]) == 50


FORMULAS = ["=cmd|' /C calc'!A0", "+SUM(1,2)", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.fixture
def hostile_run(alice, video_draft, audience):
    run = simulate(alice, [video_draft], audience, population=60, reruns=1, horizon_hours=24)
    SimulationRun.objects.filter(pk=run.pk).update(name=FORMULAS[0] + " <script>alert(1)</script>")
    return run


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def test_csv_exports_neutralise_spreadsheet_formulas(hostile_run, alice_client, alice_api):
    from recoworld_app.services.reports import neutralise

    for value in FORMULAS:
        assert neutralise(value).startswith("'"), repr(value)
    page = alice_client.get(reverse("run_export", args=[hostile_run.pk, "csv"]))
    api = alice_api.get(f"/runs/{hostile_run.pk}/export.csv")
    for response in (page, api):
        assert response.status_code == 200
        body = b"".join(response.streaming_content) if response.streaming else response.content
        cells = _cells(body.decode("utf-8-sig"))
        assert any(c.startswith("'=cmd") for c in cells), "the run name is kept, defused"
        dangerous = [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r") or re.match(r"-[^\d]", c)]
        assert dangerous == [], dangerous


def test_html_report_escapes_what_the_creator_typed(hostile_run, alice_client):
    response = alice_client.get(reverse("run_export", args=[hostile_run.pk, "html"]))
    body = (b"".join(response.streaming_content) if response.streaming else response.content).decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
