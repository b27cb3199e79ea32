"""API tokens: shown once at creation, stored as a SHA-256 digest, revocable with immediate effect."""

import hashlib
import secrets

from django.utils import timezone

from recoworld_app.models import ApiToken
from recoworld_app.services.errors import NotFound
from recoworld_app.services.text import clean_text

TOKEN_PREFIX = "rws_"
MAX_ACTIVE_TOKENS = 20


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_create(*, owner, name: str) -> tuple[ApiToken, str]:
    """A new token row and the plaintext token, which is never stored and cannot be shown again."""
    from recoworld_app.services.errors import QuotaExceeded

    name = clean_text(name, field="Name", max_length=80) or "API token"
    if ApiToken.objects.filter(owner=owner, revoked_at__isnull=True).count() >= MAX_ACTIVE_TOKENS:
        raise QuotaExceeded(f"At most {MAX_ACTIVE_TOKENS} active tokens; revoke one first.")
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(owner=owner, name=name, prefix=plaintext[:10], digest=_digest(plaintext))
    return token, plaintext


def token_revoke(*, owner, token_id: int) -> ApiToken:
    token = ApiToken.objects.filter(pk=token_id, owner=owner).first()
    if token is None:
        raise NotFound()
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token.refresh_from_db()
    return token


def token_user(*, plaintext: str):
    """The creator a token belongs to, or None when it is unknown or revoked."""
    if not plaintext or not plaintext.startswith(TOKEN_PREFIX) or len(plaintext) > 100:
        return None
    token = (
        ApiToken.objects.select_related("owner")
        .filter(digest=_digest(plaintext), revoked_at__isnull=True, owner__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)  # at most once a minute: cheap reads
    return token.owner
