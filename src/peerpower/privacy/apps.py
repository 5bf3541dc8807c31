from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "peerpower.privacy"
    label = "privacy"
    verbose_name = "Personal data"
