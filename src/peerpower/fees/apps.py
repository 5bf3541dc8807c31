from django.apps import AppConfig


class FeesConfig(AppConfig):
    name = "peerpower.fees"
    label = "fees"
    verbose_name = "Fees"
