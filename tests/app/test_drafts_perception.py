"""What the audience will see in a draft: measured by a task after the upload and after a caption change,
shown on the draft page (htmx poll) and in the API; a file that cannot be read leaves the draft usable."""

from pathlib import Path

from django.urls import reverse

from recoworld_app.models import Draft
from recoworld_app.services.drafts import draft_create, draft_perceive, draft_update
from recoworld_app.services.runs import draft_item
from recoworld_app.tasks import perceive_draft
from tests.app.conftest import upload
from tests.perception_media import lively_video, rich_picture


def _picture_draft(alice, tmp_path, **fields):
    data = rich_picture(tmp_path / "dinner.jpg").read_bytes()
    return draft_create(owner=alice, title="Carbonara", upload=upload("dinner.jpg", data), **fields)


def _row(draft_id: int) -> dict:
    return Draft.objects.filter(pk=draft_id).values().get()


def test_an_upload_queues_its_perception_once_the_draft_is_saved(
    alice, tmp_path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        draft = _picture_draft(alice, tmp_path, caption="Dinner")
    assert len(queued) == 1 and draft.perception_state == "pending" and draft.perception == {}


def test_the_task_measures_the_draft_and_running_it_twice_changes_nothing(alice, tmp_path):
    draft = _picture_draft(alice, tmp_path, caption="Dinner")
    perceive_draft(draft.pk)
    first = _row(draft.pk)
    assert first["perception_state"] == "done" and first["perception"]["kind"] == "image"
    assert first["perception"]["face_share"] == 1.0 and first["perception"]["colourfulness"] > 82
    assert first["content"]["topics"] and any(f["name"] == "face" for f in first["content"]["factors"])
    perceive_draft(draft.pk)  # a redelivered message
    assert _row(draft.pk) == first
    assert draft_perceive(draft_id=draft.pk) is False


def test_a_caption_change_looks_again_and_reuses_the_measured_media(alice, tmp_path, settings):
    draft = _picture_draft(alice, tmp_path, caption="Dinner")
    draft_perceive(draft_id=draft.pk)
    measured = _row(draft.pk)["perception"]
    (Path(settings.MEDIA_ROOT) / draft.media).unlink()  # were the file read again, nothing would be measured
    draft.refresh_from_db()
    draft_update(draft=draft, title=draft.title, caption="Carbonara in 5 minutes", hashtags="#pasta")
    row = _row(draft.pk)
    assert (row["perception_state"], row["perception_revision"]) == ("pending", 1)
    assert draft_perceive(draft_id=draft.pk) is True
    row = _row(draft.pk)
    assert row["perception_state"] == "done" and row["perception"] == measured
    assert "carbonara in 5 minutes" in row["content"]["text"].lower()  # the words were read again


def test_a_title_or_topic_change_does_not_look_again(alice, tmp_path):
    draft = _picture_draft(alice, tmp_path, caption="Dinner")
    draft_perceive(draft_id=draft.pk)
    draft.refresh_from_db()
    draft_update(draft=draft, title="New title", caption="Dinner", hashtags=[], topics=["food"])
    assert _row(draft.pk)["perception_state"] == "done"


def test_a_file_that_cannot_be_read_leaves_the_draft_usable_with_a_note(
    alice, alice_client, tmp_path, settings
):
    draft = _picture_draft(alice, tmp_path, caption="Dinner")
    (Path(settings.MEDIA_ROOT) / draft.media).write_bytes(b"\xff\xd8\xff\xe0 damaged on disk")
    perceive_draft(draft.pk)
    draft.refresh_from_db()
    assert draft.perception_state == "failed" and "could not be measured" in draft.perception_note
    assert "still usable" in draft.perception_note
    item = draft_item(draft)  # a run made now sees the draft as before, with the notes
    assert item.perception is not None and item.perception.notes and item.effects.like == 1.0
    html = alice_client.get(reverse("draft_detail", args=[draft.pk])).content.decode()
    assert "What your audience will see" in html and "could not be measured" in html


def test_the_draft_page_polls_until_the_draft_is_seen_then_shows_what_was_seen(
    alice_client, alice, bob_client, tmp_path
):
    data = lively_video(tmp_path / "clip.mp4", gop=12).read_bytes()
    draft = draft_create(owner=alice, title="Clip", caption="Dinner", upload=upload("clip.mp4", data))
    page = alice_client.get(reverse("draft_detail", args=[draft.pk])).content.decode()
    poll = reverse("draft_perception", args=[draft.pk])
    assert "What your audience will see" in page and f'hx-get="{poll}"' in page
    waiting = alice_client.get(poll, headers={"HX-Request": "true"})
    assert waiting.status_code == 200 and "Looking at the frames" in waiting.content.decode()

    perceive_draft(draft.pk)
    done = alice_client.get(poll, headers={"HX-Request": "true"})
    html = done.content.decode()
    assert done.status_code == 286 and "hx-get" not in html  # stops the poll
    assert "The hook (first 3 s)" in html and "a face on screen" in html
    assert "Topics read from the words" in html and "How it moves the prediction" in html
    assert "cuts a minute" in html and "dBFS" in html and "portrait 320 × 568 px" in html
    assert bob_client.get(poll).status_code == 404


def test_a_text_draft_is_seen_as_text(alice, alice_client):
    draft = draft_create(owner=alice, title="Thoughts", caption="Hot take #opinion")
    perceive_draft(draft.pk)
    row = _row(draft.pk)
    assert row["perception_state"] == "done" and row["perception"]["kind"] == "text"
    html = alice_client.get(reverse("draft_detail", args=[draft.pk])).content.decode()
    assert "A text post: your audience reads the caption" in html


def test_the_api_carries_the_perception_and_its_state(alice, alice_api, tmp_path):
    draft = _picture_draft(alice, tmp_path, caption="Dinner")
    before = alice_api.get(f"/drafts/{draft.pk}").json()
    assert before["perception_state"] == "pending" and before["perception"] is None
    perceive_draft(draft.pk)
    after = alice_api.get(f"/drafts/{draft.pk}").json()
    assert after["perception_state"] == "done" and isinstance(after["perception_note"], str)
    assert after["perception"]["kind"] == "image" and after["perception"]["face_share"] == 1.0
    assert after["perception"]["hook"] is None and "frames_decoded" not in after["perception"]


def test_a_run_made_before_the_worker_looked_sees_the_draft_as_a_later_run_does(alice, audience, tmp_path):
    from recoworld_app.services.runs import run_create

    draft = _picture_draft(alice, tmp_path, caption="Dinner")
    assert draft.perception_state == "pending"
    spec = dict(owner=alice, draft_ids=[draft.pk], audience_id=audience.pk, population=50, horizon_hours=6)
    first = run_create(**spec, reruns=1, seed=3, dispatch=False)
    assert _row(draft.pk)["perception_state"] == "done"  # looked at in the submit
    later = run_create(**spec, reruns=1, seed=3, dispatch=False)
    read = [run.posts.get().content for run in (first, later)]
    assert read[0] == read[1] and any(f["name"] == "face" for f in read[0]["factors"])
    assert first.config["posts"][0]["item"]["perception"]["face_share"] == 1.0
