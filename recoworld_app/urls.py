from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from recoworld_app import views

urlpatterns = [
    path("", views.home, name="home"),
    path("signup/", views.signup, name="signup"),
    path("login/", auth_views.LoginView.as_view(template_name="accounts/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("status/", views.status, name="status"),
    path("status/pings/", views.ping_create, name="ping_create"),
    path("status/pings/<int:ping_id>/", views.ping_detail, name="ping_detail"),
    path("admin/", admin.site.urls),
]
