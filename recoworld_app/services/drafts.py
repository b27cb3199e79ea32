"""Drafts: create from an upload (probed, thumbnailed, keyframed), update, delete."""

import shutil
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from recoworld_app import media
from recoworld_app.models import Draft
from recoworld_app.services.errors import Conflict, InvalidInput, NotFound
from recoworld_app.services.text import clean_text, parse_hashtags

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
        return Draft.objects.create(
            owner=owner, kind=Draft.Kind.TEXT, title=title, caption=caption, hashtags=tags, topics=topic_list
        )
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
    draft.save(update_fields=["title", "caption", "hashtags", "topics"])
    return draft


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
