from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "peerpower.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks"

    def ready(self) -> None:
        from peerpower.lib.events import happened  # noqa: PLC0415
        from peerpower.webhooks import actions  # noqa: PLC0415 (the receiver needs the models)

        happened.connect(actions.record_event, dispatch_uid="webhooks.record_event")
