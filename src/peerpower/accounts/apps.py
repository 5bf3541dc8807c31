from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "peerpower.accounts"
    label = "accounts"

    def ready(self) -> None:
        from peerpower.accounts import checks  # noqa: F401, PLC0415 — registers the deploy checks
