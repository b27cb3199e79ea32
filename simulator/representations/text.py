"""An item in words: kind, length, topics, social proof, what its media shows (measured), and the
creator's text (caption, hashtags, words on screen) fenced as quoted data."""

from simulator.perception import describe
from simulator.prompting import fence_creator_text
from simulator.types import Item


def _age(hours: float) -> str:
    if hours < 1:
        return "just now"
    if hours < 48:
        return f"{hours:.0f} h ago"
    return f"{hours / 24:.0f} days ago"


def item_facts(item: Item, now_h: float | None = None, *, code: str | None = None) -> str:
    """The system-known facts of an item, one line each; `code` replaces the id (semantic IDs)."""
    seconds = f"{item.duration_s:.0f} s"
    length = seconds if item.kind == "video" else f"about {seconds} to take in"
    head = f"POST {code}" if code else "POST"
    lines = [f"{head}: a {item.kind} post, {length}, by creator {item.creator_id}"]
    if now_h is not None:
        lines[0] += f", posted {_age(max(0.0, now_h - item.posted_at_h))}"
    if item.topics:
        ranked = sorted(item.topics.items(), key=lambda kv: -kv[1])[:3]
        lines.append("topics: " + ", ".join(f"{t} {w:.0%}" for t, w in ranked))
    e = item.engagement
    lines.append(
        f"shown with: {e.views:,} views, {e.likes:,} likes, {e.comments:,} comments, {e.shares:,} shares"
    )
    return "\n".join(lines)


def item_text(item: Item, now_h: float | None = None) -> tuple[str, list[str]]:
    """The text representation; returns (block, sentences dropped from creator text for addressing an AI)."""
    quoted, dropped = fence_creator_text(
        {
            "caption": item.caption,
            "hashtags": " ".join(f"#{h.lstrip('#')}" for h in item.hashtags),
            "media description": item.description,
            "text on screen": item.perception.on_screen_text if item.perception else "",
        }
    )
    block = item_facts(item, now_h)
    # what the frames show, so a text-only model sees the video (semantic IDs stay codes only)
    seen = describe(item.perception) if item.perception is not None else ""
    if seen:
        block += "\nmeasured in the media: " + seen
    return (block + "\n" + quoted if quoted else block), dropped
