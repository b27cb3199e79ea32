from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from recoworld_app import views
from recoworld_app.api import api
from recoworld_app.pages import drafts, tokens

urlpatterns = [
    path("", views.home, name="home"),
    path("signup/", views.signup, name="signup"),
    path("login/", auth_views.LoginView.as_view(template_name="accounts/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("status/", views.status, name="status"),
    path("status/pings/", views.ping_create, name="ping_create"),
    path("status/pings/<int:ping_id>/", views.ping_detail, name="ping_detail"),
    path("drafts/", drafts.draft_list, name="draft_list"),
    path("drafts/new/", drafts.draft_new, name="draft_new"),
    path("drafts/<int:draft_id>/", drafts.draft_detail, name="draft_detail"),
    path("drafts/<int:draft_id>/delete/", drafts.draft_remove, name="draft_delete"),
    path("drafts/<int:draft_id>/media/<slug:name>/", drafts.draft_media, name="draft_media"),
    path("settings/tokens/", tokens.token_list, name="token_list"),
    path("settings/tokens/<int:token_id>/revoke/", tokens.token_delete, name="token_delete"),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]
