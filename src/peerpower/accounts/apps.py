from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "peerpower.accounts"
    label = "accounts"
