from django.apps import AppConfig


class BackupsConfig(AppConfig):
    name = "peerpower.backups"
    label = "backups"
    verbose_name = "Backup and restore"
