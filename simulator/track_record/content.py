"""What the content model (simulator.content) reads in a history's past posts: per post, the effects
its caption and first hashtags (as many as the model was fitted on: simulator.content.text) have on
its rates, so that the account fit (calibration.TermTable) counts only what the content leaves
unexplained. Past posts carry no media, so only their words are read."""

from simulator.track_record.history import PastPost
from simulator.types import ItemEffects


def past_post_content(posts: list[PastPost]) -> list[ItemEffects | None]:
    """Each post's content effects, None for a post without words; the words of all posts are embedded
    in one batch. Raises what simulator.content raises when its parameters or weights are missing."""
    from simulator.content.effects import analyse
    from simulator.content.text import YOUTUBE_TAGS, draft_text, embed_cached

    tags = [p.hashtags[:YOUTUBE_TAGS] for p in posts]
    texts = [draft_text(caption=p.caption, hashtags=t) for p, t in zip(posts, tags, strict=True)]
    worded = [i for i, t in enumerate(texts) if t]
    # on disk by the texts' checksum: the page's fit and a calibrated run's solve read the same posts
    vectors = embed_cached([texts[i] for i in worded]) if worded else []
    out: list[ItemEffects | None] = [None] * len(posts)
    for i, vector in zip(worded, vectors, strict=True):
        post = posts[i]
        analysis = analyse(
            caption=post.caption, hashtags=tags[i], duration_s=post.duration_s, embedding=vector
        )
        out[i] = analysis.effects
    return out
