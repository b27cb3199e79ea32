from django.contrib.auth import get_user_model
from django.urls import reverse

from recoworld_app.models import Draft, RunMetric, SimulationRun
from recoworld_app.services.demo import DEMO_PASSWORD, DEMO_USERNAME, demo_seed


def test_demo_creator_has_a_video_an_image_and_a_finished_run_with_charts(client, db, media_root):
    assert demo_seed() is True
    user = get_user_model().objects.get(username=DEMO_USERNAME)
    kinds = sorted(Draft.objects.filter(owner=user).values_list("kind", flat=True))
    assert kinds == ["image", "video"]
    run = SimulationRun.objects.get(owner=user)
    assert run.status == "done" and RunMetric.objects.filter(run=run).exists()
    # enough simulated views to read rates: the first run a newcomer opens says something
    assert run.report.summary and not any("too few" in line for line in run.report.summary)
    assert client.login(username=DEMO_USERNAME, password=DEMO_PASSWORD)
    html = client.get(reverse("run_detail", args=[run.pk])).content.decode()
    assert 'id="fig-views"' in html
    assert demo_seed() is False, "seeding twice changes nothing"
    assert SimulationRun.objects.count() == 1
