from django.apps import AppConfig


class ImpactConfig(AppConfig):
    name = "peerpower.impact"
    label = "impact"
    verbose_name = "Impact"
