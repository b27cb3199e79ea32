"""Drafts: create from an upload (probed, thumbnailed, keyframed), update, delete; what the audience
will see in them (perception), measured by a task after each upload and caption change."""

import logging
import shutil
import uuid
from functools import partial
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F

from recoworld_app import media
from recoworld_app.models import Draft, PerceptionState
from recoworld_app.services import queue
from recoworld_app.services.errors import Conflict, InvalidInput, NotFound
from recoworld_app.services.text import clean_text, parse_hashtags

log = logging.getLogger(__name__)
TITLE_MAX = 120
CAPTION_MAX = 2200  # the longest caption the big platforms accept


def draft_for_owner(*, owner, draft_id: int) -> Draft:
    """The creator's own draft, or NotFound (never a hint that someone else's exists)."""
    draft = Draft.objects.filter(pk=draft_id, owner=owner).first() if owner.is_authenticated else None
    if draft is None:
        raise NotFound()
    return draft


def draft_topics(raw: list[str] | None) -> list[str]:
    from simulator.taxonomy import TOPICS

    topics = list(dict.fromkeys(raw or []))
    unknown = [t for t in topics if t not in TOPICS]
    if unknown:
        raise InvalidInput(f"Unknown topic {unknown[0][:40]!r}; choose from {', '.join(TOPICS)}.")
    return topics


def draft_create(
    *,
    owner,
    title: str,
    caption: str = "",
    hashtags: str | list[str] | None = None,
    topics: list[str] | None = None,
    upload: UploadedFile | None = None,
) -> Draft:
    """A new draft; with an upload, the file is checked by content and probed first.

    On any failure nothing is left behind: no row, no file under MEDIA_ROOT.
    """
    title = clean_text(title, field="Title", max_length=TITLE_MAX, required=True)
    caption = clean_text(caption, field="Caption", max_length=CAPTION_MAX, multiline=True)
    tags = parse_hashtags(hashtags, caption)
    topic_list = draft_topics(topics)
    if upload is None:
        if not caption:
            raise InvalidInput("A text post needs a caption; or attach a video or an image.")
        draft = Draft.objects.create(
            owner=owner, kind=Draft.Kind.TEXT, title=title, caption=caption, hashtags=tags, topics=topic_list
        )
        _queue_perception(draft.pk)
        return draft
    if upload.size is not None and upload.size > settings.UPLOAD_MAX_BYTES:
        from recoworld_app.uploads import too_large_message

        raise InvalidInput(too_large_message())

    relative = Path("drafts") / str(owner.pk) / uuid.uuid4().hex
    folder = Path(settings.MEDIA_ROOT) / relative
    folder.mkdir(parents=True)
    try:
        facts = _store_media(upload, folder, relative)
        draft = Draft.objects.create(
            owner=owner, title=title, caption=caption, hashtags=tags, topics=topic_list, **facts
        )
    except media.MediaRejected as exc:
        shutil.rmtree(folder, ignore_errors=True)
        raise InvalidInput(str(exc)) from None
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    _queue_perception(draft.pk)
    return draft


def _store_media(upload: UploadedFile, folder: Path, relative: Path) -> dict:
    """Stream the upload into `folder`, probe it, derive thumbnail and keyframes; the Draft's fields."""
    raw = folder / "upload"
    size = 0
    with open(raw, "wb") as out:
        for chunk in upload.chunks():
            size += len(chunk)
            if size > settings.UPLOAD_MAX_BYTES:
                from recoworld_app.uploads import too_large_message

                raise media.MediaRejected(too_large_message())
            out.write(chunk)
    found = media.probe(raw)
    original = raw.rename(folder / f"original.{found.extension}")
    if found.kind == "video":
        frames = media.video_keyframes(original, found.duration_s, folder)
    else:
        frames = [media.image_normalised(original, folder / "frame-1.jpg")]
    thumb = media.thumbnail(
        frames[len(frames) // 2] if found.kind == "video" else frames[0], folder / "thumb.jpg"
    )
    return {
        "kind": found.kind,
        "media": str(relative / original.name),
        "media_type": found.media_type,
        "media_bytes": size,
        "thumbnail": str(relative / thumb.name),
        "keyframes": [str(relative / f.name) for f in frames],
        "duration_s": found.duration_s,
        "width": found.width,
        "height": found.height,
        "fps": found.fps,
        "probe": found.facts,
    }


def draft_update(
    *, draft: Draft, title: str, caption: str, hashtags: str | list[str] | None, topics=None
) -> Draft:
    draft.title = clean_text(title, field="Title", max_length=TITLE_MAX, required=True)
    draft.caption = clean_text(caption, field="Caption", max_length=CAPTION_MAX, multiline=True)
    if draft.kind == Draft.Kind.TEXT and not draft.caption:
        raise Conflict("A text post needs a caption.")  # the draft's kind decides, not the request
    draft.hashtags = parse_hashtags(hashtags, draft.caption)
    draft.topics = draft_topics(topics)
    fields = ["title", "caption", "hashtags", "topics"]
    before = Draft.objects.filter(pk=draft.pk).values("caption", "hashtags").first() or {}
    if (before.get("caption"), before.get("hashtags")) != (draft.caption, draft.hashtags):
        # the words changed: look again (the media's measurements are reused, see draft_perceive)
        draft.perception_revision = F("perception_revision") + 1  # two saves at once both count
        draft.perception_state = PerceptionState.PENDING
        fields += ["perception_revision", "perception_state"]
    draft.save(update_fields=fields)
    if "perception_state" in fields:
        draft.refresh_from_db(fields=["perception_revision"])
        _queue_perception(draft.pk)
    return draft


def _queue_perception(draft_id: int) -> None:
    transaction.on_commit(partial(_publish_perception, draft_id))


def _publish_perception(draft_id: int) -> None:
    """Queue the draft's perception. An unreachable broker loses nothing: the draft stays pending and a
    worker queues it when it starts (drafts_perception_recover)."""
    try:
        queue.send(queue.PERCEIVE_DRAFT, draft_id, retry=True, retry_policy=queue.PUBLISH_RETRY)
    except Exception as exc:  # kombu raises several types for an unreachable broker
        log.warning("draft %s: perception not queued (%s); a starting worker will queue it", draft_id, exc)


def draft_perceive(*, draft_id: int) -> bool:
    """Measure what the draft's audience will see, read it with the content model (topics, factors),
    and store both; True if this call stored them.

    Claim-then-work: only a pending or running draft is measured (running: a worker died on it), and the
    result is kept only if no caption change came in meanwhile (that change queued its own measurement).
    A file that cannot be read leaves the draft usable: the note says what was not measured.
    """
    from simulator.perception import Perception, perceive_file, perceive_text

    open_states = [PerceptionState.PENDING, PerceptionState.RUNNING]
    draft = Draft.objects.filter(pk=draft_id, perception_state__in=open_states).first()
    if draft is None:
        return False
    revision = draft.perception_revision
    claimed = Draft.objects.filter(pk=draft_id, perception_revision=revision).update(
        perception_state=PerceptionState.RUNNING
    )
    if not claimed:  # deleted, or the words changed again: that change's own task measures it
        return False
    if draft.kind == Draft.Kind.TEXT:
        perception = perceive_text()
    elif draft.perception:  # the file never changes; only the words did
        perception = Perception.from_dict(draft.perception)
    else:
        perception = perceive_file(Path(settings.MEDIA_ROOT) / draft.media, kind=draft.kind)
    state, note = _perception_outcome(draft, perception)
    draft.perception = perception.to_dict()
    content = _content_read(draft)
    stored = Draft.objects.filter(pk=draft_id, perception_revision=revision).update(
        perception=draft.perception, perception_state=state, perception_note=note[:500], content=content
    )
    return stored == 1


def drafts_seen(drafts: list[Draft]) -> None:
    """Look now at each draft still waiting for its perception, so that a run made right after an upload
    reads the draft as a run made a minute later does (the queued task then finds nothing to do). A
    measurement that breaks leaves the draft as the runs saw it before perception, with the reason."""
    open_states = (PerceptionState.PENDING, PerceptionState.RUNNING)
    for draft in drafts:
        if draft.perception_state not in open_states:
            continue
        try:
            draft_perceive(draft_id=draft.pk)
        except Exception as exc:  # the run goes on; the task retries and says what broke
            log.exception("draft %s: perception at submit failed", draft.pk)
            draft_perception_fail(draft_id=draft.pk, error=f"{type(exc).__name__}: {exc}")
        draft.refresh_from_db(fields=["perception", "perception_state", "perception_note", "content"])


# The time to take in a post that is not a video: a glance at the picture plus reading the caption.
# 238 words a minute: the mean silent reading rate for non-fiction in English (Brysbaert 2019, "How
# many words do we read per minute?", J. Memory and Language 109, 104047). 1.7 s: the average time
# people give a piece of feed content on mobile (Facebook IQ 2016, "Capturing attention in feed").
READING_WORDS_PER_S = 238 / 60
GLANCE_S = 1.7


def draft_take_in_s(draft: Draft) -> float:
    """Seconds a viewer needs for the whole post: a video's length; a glance and the caption otherwise."""
    if draft.kind == Draft.Kind.VIDEO and draft.duration_s:
        return float(draft.duration_s)
    reading = len(draft.caption.split()) / READING_WORDS_PER_S
    return round(GLANCE_S + reading if draft.kind == Draft.Kind.IMAGE else max(GLANCE_S, reading), 2)


def _content_read(draft: Draft) -> dict:
    """The content model's reading of the draft's words and measured media (services.content)."""
    from recoworld_app.services.content import draft_content

    return draft_content(draft, draft_take_in_s(draft)).to_dict()


def _perception_outcome(draft: Draft, perception) -> tuple[str, str]:
    if draft.kind == Draft.Kind.TEXT:
        return PerceptionState.DONE, ""
    if perception.brightness is None:  # not one frame was measured
        reason = "; ".join(perception.notes) or "nothing could be measured"
        return PerceptionState.FAILED, (
            f"The {draft.kind} could not be measured ({reason}). The draft is still usable: "
            "runs see its caption, length and topics, as before."
        )
    if perception.notes:
        return PerceptionState.DONE, "Not everything was measured: " + "; ".join(perception.notes) + "."
    return PerceptionState.DONE, ""


def draft_perception_fail(*, draft_id: int, error: str) -> None:
    """The measurement itself broke (not the file): say so; the draft stays usable."""
    Draft.objects.filter(
        pk=draft_id, perception_state__in=[PerceptionState.PENDING, PerceptionState.RUNNING]
    ).update(
        perception_state=PerceptionState.FAILED,
        perception_note=f"Measuring the draft failed ({error})"[:480] + ". Runs still use it as before.",
    )


def drafts_perception_recover() -> int:
    """Queue every draft still waiting for its perception (at worker start: its message may be lost)."""
    waiting = list(
        Draft.objects.filter(
            perception_state__in=[PerceptionState.PENDING, PerceptionState.RUNNING]
        ).values_list("pk", flat=True)
    )
    for draft_id in waiting:
        _publish_perception(draft_id)
    return len(waiting)


def draft_delete(*, draft: Draft) -> None:
    """Delete the draft and, once the deletion is committed, its files. Past runs keep their results."""
    folder = draft_folder(draft)
    with transaction.atomic():
        draft.delete()
        if folder is not None:
            transaction.on_commit(lambda: shutil.rmtree(folder, ignore_errors=True))


def draft_folder(draft: Draft) -> Path | None:
    if not draft.media:
        return None
    return Path(settings.MEDIA_ROOT) / Path(draft.media).parent


def draft_media_path(*, draft: Draft, name: str) -> Path:
    """The file behind one of the draft's media names: "original", "thumb" or "frame-N"."""
    if name == "original":
        relative = draft.media
    elif name == "thumb":
        relative = draft.thumbnail
    else:
        relative = next((k for k in draft.keyframes if Path(k).stem == name), "")
    if not relative:
        raise NotFound()
    path = Path(settings.MEDIA_ROOT) / relative
    if not path.is_file():
        raise NotFound()
    return path


def draft_media_names(draft: Draft) -> list[str]:
    return [Path(k).stem for k in draft.keyframes]
