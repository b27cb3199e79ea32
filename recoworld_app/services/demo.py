"""The demo creator that `make run` seeds, so a newcomer has something to look at."""

import shutil
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from recoworld_app.models import RunShard
from recoworld_app.samples import image_bytes, video_bytes
from recoworld_app.services.audiences import audience_create_followers_profile, audience_create_general
from recoworld_app.services.drafts import draft_create
from recoworld_app.services.runs import run_create, shard_execute

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "studio-demo-2026"
DEMO_POPULATION = 5000
DEMO_RERUNS = 3
DEMO_SEED = 2026
# A food creator's followers: the audience a creator simulates most, and one whose feeds carry the post.
DEMO_FOLLOWERS = {"niche": "food", "follower_count": 25_000}


def demo_seed() -> bool:
    """Create the demo creator, two drafts, two audiences (their followers and a sample of the public) and
    a finished run to the followers once; return whether it did.

    The run is simulated here, in this process, by the same services the workers call.
    """
    User = get_user_model()
    if User.objects.filter(username=DEMO_USERNAME).exists():
        return False
    with transaction.atomic(), _files_removed_on_error() as made:
        user = User.objects.create_user(
            username=DEMO_USERNAME, password=DEMO_PASSWORD, email="demo@example.com"
        )
        made.append(Path(settings.MEDIA_ROOT) / "drafts" / str(user.pk))
        video = draft_create(
            owner=user,
            title="15-second pasta",
            caption="Dinner in the time it takes to boil water #pasta #quickrecipes",
            topics=["food"],
            upload=SimpleUploadedFile("pasta.mp4", video_bytes(seconds=6, width=270, height=480, fps=15)),
        )
        draft_create(
            owner=user,
            title="Golden hour at the lake",
            caption="No filter needed #sunset",
            topics=["travel", "nature"],
            upload=SimpleUploadedFile("sunset.jpg", image_bytes(width=1080, height=1350)),
        )
        audience_create_general(owner=user, name="General sample", size=DEMO_POPULATION)
        audience = audience_create_followers_profile(
            owner=user, name="My followers", size=DEMO_POPULATION, profile=DEMO_FOLLOWERS
        )
        run = run_create(
            owner=user,
            draft_ids=[video.pk],
            audience_id=audience.pk,
            population=DEMO_POPULATION,
            horizon_hours=168,
            reruns=DEMO_RERUNS,
            seed=DEMO_SEED,
            dispatch=False,
        )
    for shard_id in RunShard.objects.filter(run=run).values_list("pk", flat=True):
        shard_execute(shard_id=shard_id)
    return True


@contextmanager
def _files_removed_on_error():
    """The rows roll back with the transaction; the files the drafts wrote go with them."""
    folders: list[Path] = []
    try:
        yield folders
    except BaseException:
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)
        raise
