from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from recoworld_app import views
from recoworld_app.api import api
from recoworld_app.pages import audiences, drafts, runs, tokens, track

urlpatterns = [
    path("", views.home, name="home"),
    path("signup/", views.signup, name="signup"),
    path("login/", auth_views.LoginView.as_view(template_name="accounts/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("status/", views.status, name="status"),
    path("health/", views.health, name="health"),
    path("status/pings/", views.ping_create, name="ping_create"),
    path("status/pings/<int:ping_id>/", views.ping_detail, name="ping_detail"),
    path("drafts/", drafts.draft_list, name="draft_list"),
    path("drafts/new/", drafts.draft_new, name="draft_new"),
    path("drafts/<int:draft_id>/", drafts.draft_detail, name="draft_detail"),
    path("drafts/<int:draft_id>/delete/", drafts.draft_remove, name="draft_delete"),
    path("drafts/<int:draft_id>/media/<slug:name>/", drafts.draft_media, name="draft_media"),
    path("drafts/<int:draft_id>/perception/", drafts.draft_perception_partial, name="draft_perception"),
    path("audiences/", audiences.audience_list, name="audience_list"),
    path("audiences/new/<slug:kind>/", audiences.audience_new, name="audience_new"),
    path("audiences/preview/<slug:kind>/", audiences.audience_preview_partial, name="audience_preview"),
    path("audiences/followers-template.csv", audiences.follower_template, name="follower_template"),
    path("audiences/<int:audience_id>/", audiences.audience_detail, name="audience_detail"),
    path("audiences/<int:audience_id>/delete/", audiences.audience_remove, name="audience_delete"),
    path("runs/", runs.run_list, name="run_list"),
    path("runs/new/", runs.run_new, name="run_new"),
    path("runs/estimate/", runs.run_estimate_partial, name="run_estimate"),
    path("runs/compare/", runs.run_compare, name="run_compare"),
    path("runs/<int:run_id>/", runs.run_detail, name="run_detail"),
    path("runs/<int:run_id>/progress/", runs.run_progress_partial, name="run_progress"),
    path("runs/<int:run_id>/cancel/", runs.run_cancel_view, name="run_cancel"),
    path("runs/<int:run_id>/retry/", runs.run_retry_view, name="run_retry"),
    path("runs/<int:run_id>/delete/", runs.run_delete_view, name="run_delete"),
    path("runs/<int:run_id>/export.<slug:fmt>", runs.run_export, name="run_export"),
    path("runs/<int:run_id>/live-update/", track.run_live_update_view, name="run_live_update"),
    path("track/", track.track_page, name="track"),
    path("track/clear/", track.track_clear, name="track_clear"),
    path("track/template.csv", track.track_template, name="track_template"),
    path("track/export.<slug:fmt>", track.track_export, name="track_export"),
    path("settings/tokens/", tokens.token_list, name="token_list"),
    path("settings/tokens/<int:token_id>/revoke/", tokens.token_delete, name="token_delete"),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]

handler400 = "recoworld_app.pages.errors.bad_request"
handler404 = "recoworld_app.pages.errors.page_not_found"
handler500 = "recoworld_app.pages.errors.server_error"
