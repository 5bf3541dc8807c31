from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "peerpower.groups"
    label = "groups"
    verbose_name = "Peer groups"

    def ready(self) -> None:
        from peerpower.groups import rules  # noqa: F401 - registers the rule set
