from recoworld_app.models import Draft
from recoworld_app.samples import image_bytes, video_bytes
from tests.app.conftest import media_files, upload


def test_upload_a_video_through_the_api(alice_api, alice, media_root):
    response = alice_api.post(
        "/drafts",
        {
            "title": "API clip",
            "caption": "hi #there",
            "topics": ["food", "travel"],
            "file": upload("c.webm", video_bytes(container="webm", seconds=1)),
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "video" and body["media_type"] == "video/webm" and body["hashtags"] == ["there"]
    assert body["topics"] == ["food", "travel"]
    assert Draft.objects.get(pk=body["id"]).owner == alice


def test_text_post_through_the_api(alice_api):
    response = alice_api.post("/drafts", {"title": "Words", "caption": "A thought."})
    assert response.status_code == 201 and response.json()["kind"] == "text"


def test_list_get_update_and_delete(alice_api, image_draft, django_capture_on_commit_callbacks, media_root):
    assert [d["id"] for d in alice_api.get("/drafts").json()] == [image_draft.pk]
    assert alice_api.get(f"/drafts/{image_draft.pk}").json()["width"] == 320
    updated = alice_api.put(
        f"/drafts/{image_draft.pk}",
        {"title": "New", "caption": "c", "hashtags": ["a"], "topics": []},
        content_type="application/json",
    )
    assert updated.status_code == 200 and updated.json()["title"] == "New"
    media = alice_api.get(f"/drafts/{image_draft.pk}/media/original")
    assert media.status_code == 200 and media["Content-Type"] == "image/jpeg"
    with django_capture_on_commit_callbacks(execute=True):
        assert alice_api.delete(f"/drafts/{image_draft.pk}").status_code == 204
    assert not Draft.objects.exists() and media_files(media_root) == []


def test_bad_file_is_a_json_error_and_leaves_nothing(alice_api, media_root):
    response = alice_api.post("/drafts", {"title": "x", "file": upload("x.png", video_bytes()[:300])})
    assert response.status_code == 400
    assert isinstance(response.json()["detail"], str)
    assert not Draft.objects.exists() and media_files(media_root) == []


def test_oversized_upload_is_413_with_a_message(alice_api, settings, media_root):
    settings.UPLOAD_MAX_BYTES = 5_000
    response = alice_api.post(
        "/drafts", {"title": "x", "file": upload("i.jpg", image_bytes(width=800, height=800))}
    )
    assert response.status_code == 413 and "larger than" in response.json()["detail"]
    assert media_files(media_root) == []


def test_validation_errors_are_a_message(alice_api):
    response = alice_api.post("/drafts", {"caption": "no title"})
    assert response.status_code == 422 and "title" in response.json()["detail"]


def test_other_creator_gets_404(bob_api, video_draft):
    for path in (f"/drafts/{video_draft.pk}", f"/drafts/{video_draft.pk}/media/original"):
        assert bob_api.get(path).status_code == 404
        assert bob_api.get(path).json() == {"detail": "Not found."}
    assert bob_api.delete(f"/drafts/{video_draft.pk}").status_code == 404
    assert bob_api.get("/drafts").json() == []
    assert Draft.objects.filter(pk=video_draft.pk).exists()


def test_anonymous_gets_401_asking_for_a_bearer_token(anon_api, video_draft):
    draft = f"/drafts/{video_draft.pk}"
    for path in ("/drafts", draft, f"{draft}/media/thumb", "/drafts/x"):
        response = anon_api.get(path)
        assert response.status_code == 401 and response["WWW-Authenticate"] == "Bearer", path
        assert "Bearer" in response.json()["detail"]
