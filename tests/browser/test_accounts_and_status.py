"""Sign up, log out, log in and ping the workers from the status page, in a real browser."""

import os

from playwright.sync_api import expect

from recoworld_app.models import WorkerPing


def test_creator_signs_up_logs_in_and_a_worker_answers_the_status_ping(
    page, screens, live_server, celery_worker, django_user_model
):
    page.goto(f"{live_server.url}/signup/")
    page.fill("#id_username", "dana")
    page.fill("#id_password1", "a-long-pass-phrase-9")
    page.fill("#id_password2", "a-long-pass-phrase-9")
    screens.shot("signup-filled")
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("Welcome, dana")
    screens.shot("home-after-signup")
    assert django_user_model.objects.filter(username="dana").exists()

    page.click("text=Log out dana")
    expect(page.locator("h1")).to_have_text("Log in")
    page.fill("#id_username", "dana")
    page.fill("#id_password", "a-long-pass-phrase-9")
    screens.shot("login-filled")
    page.click("form >> button[type=submit]")
    expect(page.locator("h1")).to_have_text("Welcome, dana")

    page.click("text=Status")
    expect(page.locator(".ok").first).to_contain_text("Database and broker reachable")
    page.click("text=Ping workers")  # an htmx POST: the CSRF token travels in hx-headers
    expect(page.locator("[data-ping=waiting], [data-ping=answered]").first).to_be_visible()
    screens.shot("ping-sent")
    expect(page.locator("[data-ping=answered]")).to_be_visible(timeout=90_000)
    screens.shot("ping-answered")
    ping = WorkerPing.objects.get(created_by__username="dana")
    assert ping.answered_at is not None and ping.worker_pid != os.getpid()
