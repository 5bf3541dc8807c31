from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "peerpower.audit"
    label = "audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        from peerpower.audit import actions  # noqa: PLC0415 (the receiver needs the models)
        from peerpower.lib.rules import decided  # noqa: PLC0415

        decided.connect(actions.record_decision, dispatch_uid="audit.record_decision")
