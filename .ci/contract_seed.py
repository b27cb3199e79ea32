"""Seed the contract test's server: the demo creator (drafts, audiences, a finished run) and a second
creator with objects of their own, each with an API token; writes the Web Fuzzing Commons auth file
that Schemathesis reads (two peers: neither may see the other's objects)."""

import json
import os
import sys

import django

sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recoworld_app.settings")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402

from recoworld_app.services.audiences import audience_create_general  # noqa: E402
from recoworld_app.services.demo import DEMO_USERNAME, demo_seed  # noqa: E402
from recoworld_app.services.drafts import draft_create  # noqa: E402
from recoworld_app.services.tokens import token_create  # noqa: E402

demo_seed()
alice = get_user_model().objects.get(username=DEMO_USERNAME)
bob = get_user_model().objects.create_user(username="contract-peer", password="contract-peer-pass-1")
draft_create(owner=bob, title="Peer's draft", caption="Not the demo creator's #private")
audience_create_general(owner=bob, name="Peer's audience", size=200)
users = []
for name, owner in (("alice", alice), ("bob", bob)):
    token = token_create(owner=owner, name="contract")[1]
    users.append({"name": name, "fixedHeaders": [{"name": "Authorization", "value": f"Bearer {token}"}]})
with open(sys.argv[1], "w") as out:
    json.dump({"schemaVersion": "0.2.0", "auth": users}, out)
