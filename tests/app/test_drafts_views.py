from django.urls import reverse

from recoworld_app.models import Draft
from recoworld_app.samples import image_bytes, video_bytes
from tests.app.conftest import media_files, upload


def test_list_shows_the_creators_drafts_only(alice_client, video_draft, bob):
    Draft.objects.create(owner=bob, kind="text", title="Bob's secret", caption="x")
    html = alice_client.get(reverse("draft_list")).content.decode()
    assert "Pasta in 30 s" in html and "Bob&#x27;s secret" not in html and "Bob's secret" not in html


def test_empty_list_invites_an_upload(alice_client):
    assert "Upload your first draft" in alice_client.get(reverse("draft_list")).content.decode()


def test_uploading_a_video_probes_it_and_shows_the_facts(alice_client, alice, media_root):
    response = alice_client.post(
        reverse("draft_new"),
        {
            "title": "Clip",
            "caption": "Morning run #fitness",
            "hashtags": "#run, morning",
            "topics": ["fitness"],
            "file": upload("whatever.bin", video_bytes(seconds=2, fps=12)),
        },
    )
    draft = Draft.objects.get(owner=alice)
    assert response.status_code == 302 and response.url == reverse("draft_detail", args=[draft.pk])
    assert (draft.kind, draft.media_type, draft.width, draft.height) == ("video", "video/mp4", 160, 284)
    assert draft.hashtags == ["run", "morning", "fitness"]
    assert len(draft.keyframes) == 5 and draft.thumbnail
    assert len(media_files(media_root)) == 7  # original, thumbnail, five keyframes
    html = alice_client.get(response.url).content.decode()
    assert "160 × 284 px" in html and "12.00 fps" in html and "<video" in html
    assert reverse("draft_media", args=[draft.pk, "frame-3"]) in html


def test_uploading_an_image_makes_an_image_draft(alice_client, alice):
    alice_client.post(reverse("draft_new"), {"title": "Pic", "file": upload("p.png", image_bytes(fmt="PNG"))})
    draft = Draft.objects.get(owner=alice)
    assert (draft.kind, draft.media_type, draft.width) == ("image", "image/png", 320)


def test_text_post_needs_no_file(alice_client, alice):
    alice_client.post(reverse("draft_new"), {"title": "Thought", "caption": "Hot take: pineapple belongs."})
    assert Draft.objects.get(owner=alice).kind == "text"


def test_rejected_file_shows_the_reason_and_leaves_nothing(alice_client, alice, media_root):
    response = alice_client.post(
        reverse("draft_new"), {"title": "Bad", "file": upload("movie.mp4", b"%PDF-1.4 not a video" * 50)}
    )
    assert response.status_code == 400
    assert "not a video or image we can read" in response.content.decode()
    assert not Draft.objects.exists() and media_files(media_root) == []


def test_file_over_the_size_cap_is_refused_with_a_message(alice_client, settings, media_root):
    settings.UPLOAD_MAX_BYTES = 10_000
    response = alice_client.post(
        reverse("draft_new"), {"title": "Big", "file": upload("v.mp4", b"\0" * 50_000)}
    )
    assert response.status_code == 400
    assert "larger than the" in response.content.decode()
    assert not Draft.objects.exists() and media_files(media_root) == []


def test_missing_title_is_a_form_error(alice_client):
    response = alice_client.post(reverse("draft_new"), {"caption": "no title"})
    assert response.status_code == 400 and "This field is required" in response.content.decode()
    assert not Draft.objects.exists()


def test_editing_a_draft(alice_client, image_draft):
    response = alice_client.post(
        reverse("draft_detail", args=[image_draft.pk]),
        {"title": "Sunset v2", "caption": "Golden hour again", "hashtags": "sky", "topics": ["travel"]},
    )
    assert response.status_code == 302
    image_draft.refresh_from_db()
    assert (image_draft.title, image_draft.hashtags, image_draft.topics) == ("Sunset v2", ["sky"], ["travel"])


def test_deleting_a_draft_removes_its_files(
    alice_client, video_draft, media_root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(reverse("draft_delete", args=[video_draft.pk]))
    assert response.status_code == 302
    assert not Draft.objects.exists() and media_files(media_root) == []


def test_media_is_served_to_its_owner_with_its_type(alice_client, video_draft, image_draft):
    original = alice_client.get(reverse("draft_media", args=[video_draft.pk, "original"]))
    assert original.status_code == 200 and original["Content-Type"] == "video/mp4"
    assert original["X-Content-Type-Options"] == "nosniff"
    assert b"ftyp" in b"".join(original.streaming_content)[:16]
    thumb = alice_client.get(reverse("draft_media", args=[image_draft.pk, "thumb"]))
    assert thumb["Content-Type"] == "image/jpeg"
    assert alice_client.get(reverse("draft_media", args=[image_draft.pk, "nonsense"])).status_code == 404


def test_other_creator_gets_404_everywhere(bob_client, video_draft):
    for url in (
        reverse("draft_detail", args=[video_draft.pk]),
        reverse("draft_media", args=[video_draft.pk, "original"]),
        reverse("draft_media", args=[video_draft.pk, "thumb"]),
        reverse("draft_media", args=[video_draft.pk, "frame-1"]),
    ):
        assert bob_client.get(url).status_code == 404, url
    assert bob_client.post(reverse("draft_delete", args=[video_draft.pk])).status_code == 404
    assert (
        bob_client.post(reverse("draft_detail", args=[video_draft.pk]), {"title": "mine"}).status_code == 404
    )
    assert Draft.objects.get(pk=video_draft.pk).title == "Pasta in 30 s"


def test_anonymous_visitor_gets_404_for_a_draft_and_login_for_lists(client, video_draft):
    assert client.get(reverse("draft_detail", args=[video_draft.pk])).status_code == 404
    assert client.get(reverse("draft_media", args=[video_draft.pk, "original"])).status_code == 404
    assert client.post(reverse("draft_delete", args=[video_draft.pk])).status_code == 404
    assert client.get(reverse("draft_list")).status_code == 302
    assert client.get(reverse("draft_new")).status_code == 302


def test_control_characters_never_reach_the_database(alice_client, alice):
    alice_client.post(reverse("draft_new"), {"title": "A\x1bB\x07C", "caption": "line one\r\nline\x08two"})
    draft = Draft.objects.get(owner=alice)
    assert (draft.title, draft.caption) == ("ABC", "line one\nlinetwo")


def test_null_character_is_a_form_error(alice_client):
    response = alice_client.post(reverse("draft_new"), {"title": "A\x00B"})
    assert response.status_code == 400 and "Null characters are not allowed" in response.content.decode()
    assert not Draft.objects.exists()


def test_overlong_caption_is_refused(alice_client):
    response = alice_client.post(reverse("draft_new"), {"title": "Long", "caption": "x" * 5000})
    assert response.status_code == 400 and "limit is 2,200" in response.content.decode()
    assert not Draft.objects.exists()
