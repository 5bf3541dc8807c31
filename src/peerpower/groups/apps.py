from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "peerpower.groups"
    label = "groups"
    verbose_name = "Peer groups"
