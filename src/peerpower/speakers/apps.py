from django.apps import AppConfig


class SpeakersConfig(AppConfig):
    name = "peerpower.speakers"
    label = "speakers"
    verbose_name = "Expert speakers"
