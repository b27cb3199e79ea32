"""Shared fixtures: named creators (alice owns, bob has no access) and a real Celery worker."""

import pytest

from tests.support import WorkerProcess, purge_broker


@pytest.fixture
def celery_worker(transactional_db, tmp_path):
    """A real worker process for one test; the test's rows are committed so it can see them."""
    purge_broker()
    worker = WorkerProcess(tmp_path / "worker.log").start()
    yield worker
    worker.stop()


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_user(username="alice", password="alice-pass-123")


@pytest.fixture
def bob(django_user_model):
    return django_user_model.objects.create_user(username="bob", password="bob-pass-123")


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client
