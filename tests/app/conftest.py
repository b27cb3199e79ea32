"""Fixtures for the creator app: a private MEDIA_ROOT per test, API clients with real tokens, drafts."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from recoworld_app.samples import image_bytes, video_bytes
from recoworld_app.services.drafts import draft_create
from recoworld_app.services.tokens import token_create


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


def media_files(root) -> list:
    return sorted(p for p in root.rglob("*") if p.is_file())


class ApiClient:
    """Django's test client with an Authorization header on every request."""

    def __init__(self, token: str | None):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def __getattr__(self, method):
        call = getattr(self.client, method)
        return lambda path, *args, **kwargs: call(f"/api{path}", *args, headers=self.headers, **kwargs)


@pytest.fixture
def alice_api(alice):
    return ApiClient(token_create(owner=alice, name="tests")[1])


@pytest.fixture
def bob_api(bob):
    return ApiClient(token_create(owner=bob, name="tests")[1])


@pytest.fixture
def anon_api(db):
    return ApiClient(None)


@pytest.fixture
def bob_client(bob):
    client = Client()
    client.force_login(bob)
    return client


def upload(name: str, data: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def video_draft(alice):
    return draft_create(
        owner=alice,
        title="Pasta in 30 s",
        caption="Quick dinner #cooking",
        topics=["food"],
        upload=upload("pasta.mp4", video_bytes(seconds=2)),
    )


@pytest.fixture
def image_draft(alice):
    return draft_create(
        owner=alice, title="Sunset", caption="Golden hour", upload=upload("s.jpg", image_bytes())
    )


@pytest.fixture
def audience(alice):
    from recoworld_app.services.audiences import audience_create_general

    return audience_create_general(owner=alice, name="Everyone", size=300)


def run_form(draft_ids, audience, **extra) -> dict:
    data = {
        "drafts": [str(d) for d in draft_ids],
        "mode": "single",
        "audience": str(audience.pk),
        "population": 300,
        "horizon_hours": 24,
        "reruns": 2,
        "brain": "persona",
        "seed": 7,
    }
    data.update(extra)
    return data
