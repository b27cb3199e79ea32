from django.apps import AppConfig


class RecoworldAppConfig(AppConfig):
    name = "recoworld_app"
    verbose_name = "RecoWorld Studio"
