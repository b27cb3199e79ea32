"""Thin Celery tasks: take ids, call a service."""

from celery import shared_task

from recoworld_app.services.system import worker_ping_answer


@shared_task
def answer_worker_ping(ping_id: int) -> None:
    worker_ping_answer(ping_id=ping_id)
