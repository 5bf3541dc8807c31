from django.apps import AppConfig


class CoachingConfig(AppConfig):
    name = "peerpower.coaching"
    label = "coaching"
    verbose_name = "1:1 coaching"
