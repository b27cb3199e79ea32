"""What Schemathesis cannot read from the OpenAPI document alone: how to make a valid value of each
media type and format the document names. A valid request is then one the server must accept;
invalid ones (mutated by Schemathesis) it must refuse.

- `visible-text` (recoworld_app.api.schemas.VISIBLE_TEXT): text that keeps a visible character once
  services.text.clean_text has removed control and format characters.
- `text/csv`: a follower CSV as the template has it (simulator.audiences.FOLLOWER_CSV_COLUMNS).
- the upload media types (recoworld_app.media.MEDIA_TYPES): small real files of each kind.
"""

import os
import sys

import django
import schemathesis
from hypothesis import strategies as st

# The project, for the very constants and functions the server uses.
sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recoworld_app.settings")
django.setup()

from recoworld_app.api.schemas import VISIBLE_TEXT  # noqa: E402
from recoworld_app.samples import image_bytes, video_bytes  # noqa: E402
from recoworld_app.services.errors import InvalidInput  # noqa: E402
from recoworld_app.services.text import clean_text  # noqa: E402
from simulator.audiences import CHOICES, FOLLOWER_CSV_COLUMNS  # noqa: E402


def _visible(value: str) -> bool:
    try:
        return bool(clean_text(value, field="text", max_length=len(value) + 1, required=True))
    except InvalidInput:
        return False


schemathesis.openapi.format(VISIBLE_TEXT, st.text(min_size=1, max_size=60).filter(_visible))


@st.composite
def follower_row(draw) -> str:
    values = {name: draw(st.sampled_from(CHOICES[name])) for name in ("age_band", "gender", "country")}
    interests = draw(st.lists(st.sampled_from(CHOICES["interests"]), min_size=1, max_size=3))
    values["interests"] = "|".join(interests)
    values["activity"] = draw(st.sampled_from(("", *CHOICES["activity"])))
    return ",".join(values[c] for c in FOLLOWER_CSV_COLUMNS)


@st.composite
def follower_csv(draw) -> bytes:
    lines = [",".join(FOLLOWER_CSV_COLUMNS), *draw(st.lists(follower_row(), min_size=1, max_size=20))]
    return ("\r\n".join(lines) + "\r\n").encode()


schemathesis.openapi.media_type("text/csv", follower_csv())

# Made once: probing a video costs the server more than a picture, and one of each kind shows it works.
_FILES = {
    "image/jpeg": image_bytes(width=64, height=48, fmt="JPEG"),
    "image/png": image_bytes(width=64, height=48, fmt="PNG"),
    "image/webp": image_bytes(width=64, height=48, fmt="WEBP"),
    "video/mp4": video_bytes(seconds=0.5, width=64, height=112, fps=8),
    "video/quicktime": video_bytes(seconds=0.5, width=64, height=112, fps=8, container="mov"),
    "video/webm": video_bytes(seconds=0.5, width=64, height=112, fps=8, container="webm"),
}
for media_type, data in _FILES.items():
    schemathesis.openapi.media_type(media_type, st.just(data))
