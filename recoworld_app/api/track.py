from typing import Any

from django.http import HttpResponse
from ninja import File, Router, Status
from ninja.files import UploadedFile

from recoworld_app.api.schemas import Error
from recoworld_app.services.track_record import (
    backtest_csv,
    headline,
    history_clear,
    history_import,
    history_posts,
    history_template,
    record_backtest,
    track_record_for,
)

router = Router(tags=["track record"])


@router.get("", response={200: dict[str, Any]})
def get_track_record(request):
    """Your past posts' count, the account fit (offsets, how much each is shrunk) and the backtests,
    leave-one-out (`backtest`) and rolling origin (`rolling`: each post from the posts before it), per
    count and horizon: MdAPE, Spearman and 90%-band coverage beside the two baselines."""
    record = track_record_for(owner=request.user)
    posts = len(history_posts(owner=request.user))
    if record is None:
        return {"posts": posts, "fit": None, "backtest": None, "rolling": None, "headline": None}
    return {
        "posts": posts,
        "fit": record.fit,
        "backtest": record.backtest,
        "rolling": record.rolling,
        "headline": headline(record.backtest),
    }


@router.post("/posts", response={201: dict[str, Any], 400: Error, 413: Error})
def import_posts(request, file: File[UploadedFile]):
    """Past posts from a CSV: the template, or a YouTube Studio, TikTok or Instagram export; row-level
    problems come back in `problems`, and nothing is saved when any row is bad."""
    rejected = getattr(request, "upload_rejected", None)
    if rejected:
        return Status(413, {"detail": rejected})
    return Status(201, history_import(owner=request.user, upload=file))


@router.delete("/posts", response={204: None})
def clear_posts(request):
    history_clear(owner=request.user)
    return Status(204, None)


@router.get("/template.csv", response={200: None})
def posts_template(request):
    response = HttpResponse(history_template(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="past-posts-template.csv"'
    return response


@router.get("/backtest.csv", response={200: None, 400: Error})
def backtest_export(request, scheme: str = "loo"):
    """The backtest's points and summary as CSV; `scheme` loo (leave-one-out) or rolling."""
    record = _record(request)
    response = HttpResponse(
        backtest_csv(record_backtest(record, scheme)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="track-record-backtest.csv"'
    return response


def _record(request):
    from recoworld_app.services.errors import InvalidInput
    from recoworld_app.services.track_record import MIN_POSTS

    record = track_record_for(owner=request.user)
    if record is None:
        raise InvalidInput(f"Import at least {MIN_POSTS} past posts for a track record.")
    return record
