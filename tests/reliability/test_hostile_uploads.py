"""Broken and hostile draft uploads, each through the page and the API.

Every one gets a clear message (no 500), and leaves nothing behind: no Draft row, no file under
MEDIA_ROOT, no spooled temporary file.
"""

import html
from dataclasses import dataclass, field

import pytest
from django.urls import reverse

from recoworld_app.models import Draft
from recoworld_app.samples import video_bytes
from tests.app.conftest import media_files, upload
from tests.reliability import hostile_files as hostile


@dataclass
class Case:
    id: str
    filename: str
    content: object  # bytes, or a callable taking the canary server's URL
    message: str | tuple[str, str]  # what the creator reads: the same, or (on the page, in the API)
    settings: dict = field(default_factory=dict)
    fields: dict = field(default_factory=dict)


def _truncated_mp4() -> bytes:
    data = video_bytes(seconds=2)
    return data[: len(data) * 2 // 5]


UNREADABLE = "not a video or image we can read"
CASES = [
    Case("zero-bytes", "empty.mp4", b"", "file is empty"),
    Case("truncated-mp4", "clip.mp4", _truncated_mp4, UNREADABLE),
    Case(
        "png-header-50000x50000", "bomb.png", hostile.png_claiming(50_000, 50_000), "The image is too large"
    ),
    Case(
        "jpeg-header-50000x50000", "bomb.jpg", hostile.jpeg_claiming(50_000, 50_000), "The image is too large"
    ),
    Case(
        "png-over-the-pixel-cap",
        "big.png",
        hostile.png_claiming(7_000, 7_000),
        "The image is too large (7,000 x 7,000): at most 40,000,000 pixels",
    ),
    Case("png-pixels-truncated", "half.png", hostile.png_truncated_pixels(), "may be damaged or truncated"),
    Case("svg-with-script", "logo.svg", hostile.SVG_WITH_SCRIPT, UNREADABLE),
    Case("html-renamed-jpg", "photo.jpg", hostile.HTML_PAGE, UNREADABLE),
    Case("pdf-renamed-mp4", "talk.mp4", hostile.PDF, UNREADABLE),
    Case("zip-renamed-webp", "pic.webp", hostile.ZIP_BOMBISH, UNREADABLE),
    Case("random-bytes", "noise.mov", bytes(range(256)) * 400, UNREADABLE),
    Case(
        "gif-3000-frames", "loop.gif", lambda: hostile.animated(fmt="GIF", frames=3000), "JPEG, PNG or WebP"
    ),
    Case("apng-3000-frames", "loop.png", lambda: hostile.animated(fmt="PNG", frames=3000), "Animated images"),
    Case(
        "webp-3000-frames", "loop.webp", lambda: hostile.animated(fmt="WEBP", frames=3000), "Animated images"
    ),
    Case("tiff", "scan.tif", lambda: hostile.image(fmt="TIFF"), "JPEG, PNG or WebP"),
    Case("bmp", "paint.bmp", lambda: hostile.image(fmt="BMP"), "JPEG, PNG or WebP"),
    Case("audio-only-mp4", "song.mp4", hostile.audio_only_mp4, "no video track"),
    Case(
        "video-over-the-duration-cap",
        "long.mp4",
        lambda: video_bytes(seconds=3, fps=6),
        "the limit is 1 s",
        settings={"UPLOAD_MAX_VIDEO_SECONDS": 1},
    ),
    Case(
        "file-over-the-size-cap",
        "huge.mp4",
        lambda: video_bytes(seconds=2),
        "larger than the",
        settings={"UPLOAD_MAX_BYTES": 4_000},
    ),
    Case("hls-playlist-ssrf", "clip.mp4", lambda url: hostile.hls_playlist(f"{url}/hls.ts"), UNREADABLE),
    Case("ffconcat-ssrf", "clip.mp4", lambda url: hostile.ffconcat(f"{url}/concat.mp4"), UNREADABLE),
    Case(
        "hls-playlist-local-file",
        "clip.m3u8",
        hostile.hls_playlist("/etc/passwd"),
        UNREADABLE,
    ),
    Case(
        "one-megabyte-caption",
        "ok.png",
        lambda: hostile.image(),
        "Caption is 1,000,000 characters long; the limit is 2,200",
        fields={"caption": "x" * 1_000_000},
    ),
    Case(
        "thousand-hashtags",
        "ok.png",
        lambda: hostile.image(),
        ("Ensure this value has at most 2000 characters", "1000 hashtags; the limit is 30"),
        fields={"hashtags": " ".join(f"#tag{i}" for i in range(1000))},
    ),
    Case(
        "blank-title", "ok.png", lambda: hostile.image(), "Title is required", fields={"title": " \t\u200b "}
    ),
    Case(
        "unknown-topic",
        "ok.png",
        lambda: hostile.image(),
        ("Select a valid choice. &lt;script&gt;", "Unknown topic '<script>alert(1)</script>'"),
        fields={"topics": ["<script>alert(1)</script>"]},
    ),
]


def _content(case: Case, canary) -> bytes:
    if callable(case.content):
        return case.content(canary.url) if case.id.endswith("ssrf") else case.content()
    return case.content


def _assert_nothing_left(media_root, upload_temp_dir, canary):
    assert not Draft.objects.exists(), "no draft row is left"
    assert media_files(media_root) == [], "no file is left under MEDIA_ROOT"
    assert list(upload_temp_dir.iterdir()) == [], "no spooled upload is left"
    assert canary.hits == [], "the server fetched a URL named inside an upload"


def _post_fields(case: Case, content: bytes) -> dict:
    return {"title": "Hostile", "file": upload(case.filename, content), **case.fields}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_page_refuses_with_a_message_and_leaves_nothing(
    case, alice_client, settings, media_root, upload_temp_dir, canary
):
    for name, value in case.settings.items():
        setattr(settings, name, value)
    response = alice_client.post(reverse("draft_new"), _post_fields(case, _content(case, canary)))
    assert response.status_code == 400
    page = response.content.decode()
    message = case.message if isinstance(case.message, str) else case.message[0]
    assert message in (page if "&lt;" in message else html.unescape(page))
    assert "Upload" in page, "the form is shown again to correct"
    _assert_nothing_left(media_root, upload_temp_dir, canary)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_api_refuses_with_a_json_message_and_leaves_nothing(
    case, alice_api, settings, media_root, upload_temp_dir, canary
):
    for name, value in case.settings.items():
        setattr(settings, name, value)
    response = alice_api.post("/drafts", _post_fields(case, _content(case, canary)))
    assert response.status_code in (400, 413, 422), response.content[:300]
    assert (case.message if isinstance(case.message, str) else case.message[1]) in response.json()["detail"]
    _assert_nothing_left(media_root, upload_temp_dir, canary)


def multipart(fields: dict[str, bytes], files: list[tuple[str, bytes, bytes]]) -> tuple[bytes, str]:
    """A multipart body written byte by byte, so that names and values can be anything, not just UTF-8."""
    boundary = b"----reliability-boundary-7d3f"
    parts = []
    for name, value in fields.items():
        parts.append(b'Content-Disposition: form-data; name="' + name.encode() + b'"\r\n\r\n' + value)
    for name, filename, data in files:
        parts.append(
            b'Content-Disposition: form-data; name="' + name.encode() + b'"; filename="' + filename + b'"\r\n'
            b"Content-Type: application/octet-stream\r\n\r\n" + data
        )
    body = (
        b"".join(b"--" + boundary + b"\r\n" + part + b"\r\n" for part in parts) + b"--" + boundary + b"--\r\n"
    )
    return body, "multipart/form-data; boundary=" + boundary.decode()


def _post_raw(client, url, body, content_type, **extra):
    return client.generic("POST", url, body, content_type=content_type, **extra)


def _api_raw(api, method, path, body, content_type):
    return api.client.generic(method, f"/api{path}", body, content_type=content_type, headers=api.headers)


def test_a_video_named_png_is_taken_for_what_its_bytes_are(alice_client, alice, media_root):
    response = alice_client.post(
        reverse("draft_new"), {"title": "Sneaky", "file": upload("holiday.png", video_bytes(seconds=1))}
    )
    assert response.status_code == 302
    draft = Draft.objects.get(owner=alice)
    assert (draft.kind, draft.media_type) == ("video", "video/mp4")
    assert draft.media.endswith("original.mp4"), "the stored name comes from the content, not the upload"


TRAVERSAL_NAMES = [
    b"../../../../evil.png",
    b"..\\..\\..\\evil.png",
    b"/etc/cron.d/evil.png",
    b"evil\x00.png",
    b"%2e%2e%2f%2e%2e%2fevil.png",
    b"\xe2\x80\xaegnp.exe",  # a right-to-left override: "exe.png" to the eye
    b"a" * 200 + b".png",
]


@pytest.mark.parametrize("filename", TRAVERSAL_NAMES, ids=range(len(TRAVERSAL_NAMES)))
def test_path_traversal_names_never_choose_where_the_file_goes(
    filename, alice_client, alice, media_root, tmp_path
):
    body, content_type = multipart({"title": b"Traversal"}, [("file", filename, hostile.image())])
    response = _post_raw(alice_client, reverse("draft_new"), body, content_type)
    assert response.status_code == 302, response.content[:500]
    draft = Draft.objects.get(owner=alice)
    files = media_files(media_root)
    assert files and all(f.is_relative_to(media_root / "drafts" / str(alice.pk)) for f in files)
    assert {f.name for f in files} <= {"original.png", "frame-1.jpg", "thumb.jpg"}
    assert not any(p.name == "evil.png" for p in tmp_path.rglob("*")), "nothing is written at the named path"
    assert "evil" not in draft.media


def test_a_file_name_too_long_to_parse_is_a_clear_error(alice_client, alice_api, media_root):
    body, content_type = multipart({"title": b"Long"}, [("file", b"a" * 5000 + b".png", hostile.image())])
    page = _post_raw(alice_client, reverse("draft_new"), body, content_type)
    assert page.status_code == 400 and "name is shorter than 1,000 characters" in page.content.decode()
    api = _api_raw(alice_api, "POST", "/drafts", body, content_type)
    assert api.status_code == 400 and "name is shorter than 1,000 characters" in api.json()["detail"]
    assert not Draft.objects.exists() and media_files(media_root) == []


def test_a_caption_that_is_not_utf8_is_read_as_replacement_characters_on_the_page(alice_client, alice):
    body, content_type = multipart(
        {
            "title": b"Latin-1",
            "caption": "Caf\xe9 cr\xe8me, d\xe9j\xe0 vu".encode("latin-1") + b" \xff\xfe\x00",
        },
        [],
    )
    response = _post_raw(alice_client, reverse("draft_new"), body, content_type)
    assert response.status_code in (302, 400), response.content[:300]
    if response.status_code == 302:
        caption = Draft.objects.get(owner=alice).caption
        assert "\x00" not in caption and caption.startswith("Caf\ufffd cr\ufffdme")
    else:
        assert "Null characters are not allowed" in response.content.decode()
        assert not Draft.objects.exists()


def test_a_caption_that_is_not_utf8_gets_a_json_message_from_the_api(alice_api, alice):
    body, content_type = multipart({"title": b"Latin-1", "caption": b"Caf\xe9 \xff\xfe"}, [])
    response = _api_raw(alice_api, "POST", "/drafts", body, content_type)
    assert response.status_code == 201, response.content[:300]
    assert response.json()["caption"] == "Caf\ufffd \ufffd\ufffd"


def test_a_json_body_that_is_not_utf8_gets_a_json_message(alice_api, alice):
    draft = Draft.objects.create(owner=alice, kind="text", title="Words", caption="A thought.")
    body = b'{"title": "Caf\xe9", "caption": "x"}'
    response = _api_raw(alice_api, "PUT", f"/drafts/{draft.pk}", body, "application/json")
    assert response.status_code in (400, 422), response.content[:300]
    assert isinstance(response.json()["detail"], str)
    draft.refresh_from_db()
    assert draft.title == "Words"


def test_a_null_character_in_an_api_caption_never_reaches_the_database(alice_api, alice):
    response = alice_api.post("/drafts", {"title": "Nul", "caption": "before\x00after"})
    assert response.status_code in (201, 400, 422), response.content[:300]
    if response.status_code == 201:
        assert "\x00" not in Draft.objects.get(owner=alice).caption
    else:
        assert isinstance(response.json()["detail"], str)


def test_form_fields_over_the_request_memory_cap_are_a_clear_error(alice_client, alice_api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100_000
    page = alice_client.post(reverse("draft_new"), {"title": "Big", "caption": "x" * 200_000})
    assert page.status_code == 413
    assert "The form&#x27;s text is too large: at most 97.7\xa0KB in all." in page.content.decode()
    api = alice_api.post("/drafts", {"title": "Big", "caption": "x" * 200_000})
    assert api.status_code == 413 and "too large" in api.json()["detail"]
    assert not Draft.objects.exists()


def test_an_html_polyglot_image_is_served_as_an_image_that_cannot_run_script(alice_client, alice):
    polyglot = hostile.image(fmt="PNG") + hostile.HTML_PAGE
    response = alice_client.post(
        reverse("draft_new"), {"title": "Polyglot", "file": upload("p.png", polyglot)}
    )
    assert response.status_code == 302
    draft = Draft.objects.get(owner=alice)
    served = alice_client.get(reverse("draft_media", args=[draft.pk, "original"]))
    assert served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in served["Content-Security-Policy"]
