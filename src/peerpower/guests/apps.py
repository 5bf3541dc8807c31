from django.apps import AppConfig


class GuestsConfig(AppConfig):
    name = "peerpower.guests"
    label = "guests"
    verbose_name = "Guests"
