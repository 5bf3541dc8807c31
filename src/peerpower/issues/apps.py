from django.apps import AppConfig


class IssuesConfig(AppConfig):
    name = "peerpower.issues"
    label = "issues"
    verbose_name = "Issues session"
