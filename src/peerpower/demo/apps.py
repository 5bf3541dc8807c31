from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "peerpower.demo"
    label = "demo"
