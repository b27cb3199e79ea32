"""The Celery app: queues `default` (CPU work) and `gpu` (LLM engines), JSON only, no result backend."""

import os
from enum import StrEnum

from celery import Celery
from kombu import Exchange, Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recoworld_app.settings")


class TaskQueue(StrEnum):
    DEFAULT = "default"
    GPU = "gpu"


app = Celery("recoworld_app")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    task_queues=[Queue(q.value, Exchange(q.value), routing_key=q.value) for q in TaskQueue],
    task_default_queue=TaskQueue.DEFAULT,
    task_routes={"recoworld_app.tasks.*_gpu": {"queue": TaskQueue.GPU}},
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    task_ignore_result=True,
    result_backend=None,
    # Long shards: acknowledge after the work, take one message at a time, and requeue when a
    # worker dies so that a killed shard is redone (shards are idempotent).
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    worker_hijack_root_logger=False,
    broker_connection_retry_on_startup=True,
    broker_connection_timeout=5,
)
app.autodiscover_tasks()


@app.on_after_configure.connect
def _make_broker_folders(sender, **kwargs):
    """The filesystem transport needs its folders before the first message."""
    options = sender.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if key in options:
            os.makedirs(options[key], exist_ok=True)
