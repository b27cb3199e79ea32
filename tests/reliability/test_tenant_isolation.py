"""Tenant isolation, driven by the URL conf and the OpenAPI schema so that a new page or endpoint is
covered the day it is added: every address that names an object answers 404 to another creator (bob)
and to an anonymous visitor (the API: 401, asking for a token), whatever the method, and leaks
nothing; collection pages never list another creator's things.

A new `<..._id>` in a route needs an entry in OBJECT_IDS below; the test says so when one is missing.
"""

import itertools
import re
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from recoworld_app.api import api
from recoworld_app.models import ApiToken, Audience, Draft, SimulationRun, WorkerPing
from recoworld_app.services.tokens import token_create
from tests.app.conftest import ApiClient
from tests.app.test_runs_results import simulate

SECRET = "SECRET-of-alice"
PAGE_METHODS = ("get", "post")
PUBLIC_PREFIXES = ("admin/",)  # staff only: non-staff are sent to the admin's own login (tested below)


@dataclass
class AliceWorld:
    draft: Draft
    audience: Audience
    run: SimulationRun
    token: ApiToken
    ping: WorkerPing


# How to fill each route parameter: object ids from alice's world, other parameters with every value
# that reaches a different branch of the view.
OBJECT_IDS = {
    "draft_id": lambda w: w.draft.pk,
    "audience_id": lambda w: w.audience.pk,
    "run_id": lambda w: w.run.pk,
    "token_id": lambda w: w.token.pk,
    "ping_id": lambda w: w.ping.pk,
}
OTHER_PARAMETERS = {
    "name": ["original", "thumb", "frame-1"],
    "fmt": ["csv", "json", "html"],
    "kind": ["general", "slice", "followers"],
}


@pytest.fixture
def world(alice, video_draft, audience):
    Draft.objects.filter(pk=video_draft.pk).update(title=f"{SECRET} draft", caption=f"{SECRET} caption")
    Audience.objects.filter(pk=audience.pk).update(name=f"{SECRET} audience")
    video_draft.refresh_from_db()
    audience.refresh_from_db()
    run = simulate(alice, [video_draft], audience, population=60, reruns=1, horizon_hours=24)
    SimulationRun.objects.filter(pk=run.pk).update(name=f"{SECRET} run")
    token, _ = token_create(owner=alice, name=f"{SECRET} token")
    ping = WorkerPing.objects.create(created_by=alice)
    return AliceWorld(draft=video_draft, audience=audience, run=run, token=token, ping=ping)


def _page_routes():
    """(route pattern, view name) for every page route outside /api/, walking nested includes."""

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace != "api":
                    yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern), p.name

    return [(r, n) for r, n in walk(get_resolver().url_patterns) if not r.startswith(PUBLIC_PREFIXES)]


def _api_routes():
    """(path template, methods) for every API operation, from the OpenAPI schema."""
    schema = api.get_openapi_schema()
    return [(path, sorted(ops)) for path, ops in schema["paths"].items()]


PARAM = re.compile(r"<(?:\w+:)?(\w+)>|\{(\w+)\}")


def _fill(route: str, world: AliceWorld) -> list[str]:
    """Every concrete address for `route` in alice's world."""
    names = [a or b for a, b in PARAM.findall(route)]
    choices = []
    for name in names:
        if name in OBJECT_IDS:
            choices.append([OBJECT_IDS[name](world)])
        elif name in OTHER_PARAMETERS:
            choices.append(OTHER_PARAMETERS[name])
        else:
            pytest.fail(f"route {route!r} has a parameter {name!r}: add it to OBJECT_IDS or OTHER_PARAMETERS")
    urls = []
    for values in itertools.product(*choices):
        it = iter(values)
        urls.append(PARAM.sub(lambda m, it=it: str(next(it)), route))
    return urls


def _names_an_object(route: str) -> bool:
    return any((a or b).endswith("_id") for a, b in PARAM.findall(route))


def _assert_alice_intact(world: AliceWorld):
    assert Draft.objects.filter(pk=world.draft.pk, title=f"{SECRET} draft").exists()
    assert Audience.objects.filter(pk=world.audience.pk).exists()
    assert SimulationRun.objects.filter(pk=world.run.pk, status="done").exists()
    assert ApiToken.objects.filter(pk=world.token.pk, revoked_at__isnull=True).exists()


def _leaks(response) -> bool:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return SECRET.encode() in body


def test_the_url_conf_is_walked(world):
    page_objects = [r for r, _ in _page_routes() if _names_an_object(r)]
    api_objects = [p for p, _ in _api_routes() if _names_an_object(p)]
    assert len(page_objects) >= 10 and len(api_objects) >= 6, (page_objects, api_objects)


def test_pages_naming_an_object_answer_404_to_bob_and_to_anonymous(world, bob, client):
    alice_client = Client()
    alice_client.force_login(world.draft.owner)
    bob_client = Client()
    bob_client.force_login(bob)
    checked = 0
    for route, name in _page_routes():
        if not _names_an_object(route):
            continue
        for url in _fill(route, world):
            url = "/" + url
            for method in PAGE_METHODS:
                alice_status = getattr(alice_client, method)(url).status_code if method == "get" else None
                for who, visitor in (("bob", bob_client), ("anonymous", Client())):
                    response = getattr(visitor, method)(url)
                    allowed = {404} | ({405} if alice_status == 405 else set())
                    assert response.status_code in allowed, f"{who} {method.upper()} {url} ({name})"
                    assert not _leaks(response), f"{who} {method.upper()} {url} shows alice's data"
                    checked += 1
                _assert_alice_intact(world)
    assert checked >= 40


def test_the_owner_reaches_every_page_that_names_her_objects(world):
    alice_client = Client()
    alice_client.force_login(world.draft.owner)
    for route, name in _page_routes():
        if not _names_an_object(route) or name.endswith(("_delete", "_cancel", "_retry", "revoke")):
            continue
        for url in _fill(route, world):
            status = alice_client.get("/" + url).status_code
            assert status in (200, 286, 405), f"alice GET /{url} ({name}) answered {status}"


def test_api_endpoints_naming_an_object_answer_404_to_bob_and_401_to_anonymous(world, bob):
    alice_api = ApiClient(token_create(owner=world.draft.owner, name="alice")[1])
    bob_api = ApiClient(token_create(owner=bob, name="bob")[1])
    checked = 0
    for path, methods in _api_routes():
        if not _names_an_object(path):
            continue
        for url in _fill(path.removeprefix("/api"), world):
            for method in methods:
                for who, visitor in (("bob", bob_api), ("anonymous", ApiClient(None))):
                    response = getattr(visitor, method)(url, content_type="application/json")
                    if who == "bob" and response.status_code == 422:
                        # The (empty) body was refused before any lookup: the owner gets the same
                        # answer, so it says nothing about the object.
                        owner = getattr(alice_api, method)(url, content_type="application/json")
                        assert (owner.status_code, owner.json()) == (422, response.json()), url
                        continue
                    expected = 404 if who == "bob" else 401
                    assert response.status_code == expected, f"{who} {method.upper()} /api{url}"
                    assert not _leaks(response), f"{who} {method.upper()} /api{url} shows alice's data"
                    if who == "bob":
                        assert response.json() == {"detail": "Not found."}
                    else:
                        assert response["WWW-Authenticate"] == "Bearer"
                    checked += 1
                _assert_alice_intact(world)
    assert checked >= 20


def test_collections_never_show_another_creators_things(world, bob):
    bob_client = Client()
    bob_client.force_login(bob)
    for route, name in _page_routes():
        if _names_an_object(route):
            continue
        for url in _fill(route, world):
            response = bob_client.get("/" + url)
            assert response.status_code < 500, f"GET /{url}"
            assert not _leaks(response), f"bob's /{url} ({name}) shows alice's data"
    bob_api = ApiClient(token_create(owner=bob, name="bob")[1])
    for path, methods in _api_routes():
        if "get" in methods and not _names_an_object(path) and "{" not in path:
            response = bob_api.get(path.removeprefix("/api"))
            assert not _leaks(response), f"bob's GET {path} shows alice's data"


def test_compare_with_another_creators_run_is_404(world, bob, alice):
    bob_client = Client()
    bob_client.force_login(bob)
    assert bob_client.get(f"/runs/compare/?run={world.run.pk}&run={world.run.pk}").status_code == 404
    bob_api = ApiClient(token_create(owner=bob, name="bob")[1])
    second = simulate(alice, [world.draft], world.audience, population=60, reruns=1, horizon_hours=24)
    response = bob_api.get(f"/runs/compare?run={world.run.pk}&run={second.pk}")
    assert response.status_code == 404 and not _leaks(response)


def test_a_run_cannot_use_another_creators_draft_or_audience(world, bob):
    from recoworld_app.services.audiences import audience_create_general

    bobs_audience = audience_create_general(owner=bob, name="Bob's", size=100)
    bobs_draft = Draft.objects.create(owner=bob, kind="text", title="Bob", caption="Bob's words")
    bob_api = ApiClient(token_create(owner=bob, name="bob")[1])
    common = {"population": 50, "horizon_hours": 24, "reruns": 1, "brain": "persona"}
    attempts = [
        {"draft_ids": [world.draft.pk], "audience_id": bobs_audience.pk},
        {"draft_ids": [bobs_draft.pk], "audience_id": world.audience.pk},
        {"draft_ids": [bobs_draft.pk, world.draft.pk], "audience_id": bobs_audience.pk},
    ]
    for payload in attempts:
        response = bob_api.post("/runs", {**common, **payload}, content_type="application/json")
        assert response.status_code == 404, (payload, response.content)
        assert not _leaks(response)
    assert not SimulationRun.objects.filter(owner=bob).exists()


def test_non_staff_creators_get_no_admin_data(world, bob):
    bob_client = Client()
    bob_client.force_login(bob)
    for url in ("/admin/", f"/admin/recoworld_app/draft/{world.draft.pk}/change/"):
        response = bob_client.get(url)
        assert response.status_code in (302, 404) and not _leaks(response), url
