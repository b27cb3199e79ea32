from django.urls import reverse


def test_creator_signs_up_and_lands_on_home(client, db, django_user_model):
    response = client.post(
        reverse("signup"),
        {"username": "carol", "password1": "a-long-pass-phrase-9", "password2": "a-long-pass-phrase-9"},
    )
    assert response.status_code == 302 and response.url == reverse("home")
    assert django_user_model.objects.filter(username="carol").exists()
    assert "carol" in client.get(reverse("home")).content.decode()


def test_signup_with_mismatched_passwords_shows_error_and_creates_nobody(client, db, django_user_model):
    response = client.post(
        reverse("signup"), {"username": "carol", "password1": "a-long-pass-phrase-9", "password2": "other-9"}
    )
    assert response.status_code == 200
    assert "didn’t match" in response.content.decode()
    assert not django_user_model.objects.filter(username="carol").exists()


def test_login_and_logout(client, alice):
    response = client.post(reverse("login"), {"username": "alice", "password": "alice-pass-123"})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_anonymous_visitor_is_sent_to_login(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_pages_load_htmx_and_plotly_from_static_files(client, db):
    html = client.get(reverse("login")).content.decode()
    assert "https://" not in html.split("<body")[0], "no CDN in the page head"
    assert "/static/plotly/plotly.min.js" in html
    assert "htmx" in html


def test_plotly_is_served_from_the_installed_package(client, db):
    from django.contrib.staticfiles import finders

    path = finders.find("plotly/plotly.min.js")
    assert path and path.endswith("plotly.min.js")
