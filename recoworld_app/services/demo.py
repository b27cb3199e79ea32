"""The demo creator that `make run` seeds, so a newcomer has something to look at."""

from django.contrib.auth import get_user_model
from django.db import transaction

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "studio-demo-2026"


@transaction.atomic
def demo_seed() -> bool:
    """Create the demo creator and its sample content once; return whether anything was created."""
    User = get_user_model()
    if User.objects.filter(username=DEMO_USERNAME).exists():
        return False
    User.objects.create_user(username=DEMO_USERNAME, password=DEMO_PASSWORD, email="demo@example.com")
    return True
