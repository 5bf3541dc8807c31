from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "peerpower.meetings"
    label = "meetings"

    def ready(self) -> None:
        from peerpower.meetings import rules  # noqa: F401 - registers the rule set
