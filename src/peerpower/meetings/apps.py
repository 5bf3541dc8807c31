from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "peerpower.meetings"
    label = "meetings"
