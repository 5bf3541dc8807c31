from django.apps import AppConfig


class FormationConfig(AppConfig):
    name = "peerpower.formation"
    label = "formation"
    verbose_name = "Group formation"
