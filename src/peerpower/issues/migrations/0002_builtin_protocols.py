"""The built-in issue protocols every network can use (see DOMAIN.md)."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

PROTOCOLS = [
    (
        "Issue processing",
        "Present, clarify, share experience, commit (Vistage style, 33 minutes).",
        [
            ("Present", 3, "The presenter frames the issue: how do I…? why now? what have I tried?"),
            ("Clarifying questions", 10, "Questions only — no advice yet"),
            ("Experiences and options", 15, "Share experience, not advice: “when this happened to me…”"),
            ("Commitment", 5, "The presenter says what they will do, and by when"),
        ],
    ),
    (
        "Action learning set",
        "Questions only: the presenter finds their own way forward (34 minutes).",
        [
            ("Present", 2, "The presenter sets out the issue"),
            ("Clarifying questions", 10, "Questions only — no advice"),
            ("Open questions", 15, "Helping questions only — still no advice"),
            ("Presenter summarises", 2, "The presenter says what they have heard and learned"),
            ("Action", 5, "The presenter names their next action and its date"),
        ],
    ),
]


def add_protocols(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Protocol = apps.get_model("issues", "Protocol")
    ProtocolStep = apps.get_model("issues", "ProtocolStep")
    for name, description, steps in PROTOCOLS:
        protocol = Protocol.objects.create(network=None, name=name, description=description)
        for position, (step, minutes, cue) in enumerate(steps):
            ProtocolStep.objects.create(protocol=protocol, position=position, name=step, minutes=minutes, cue=cue)


def remove_protocols(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    apps.get_model("issues", "Protocol").objects.filter(network=None, name__in=[p[0] for p in PROTOCOLS]).delete()


class Migration(migrations.Migration):
    dependencies = [("issues", "0001_initial")]
    operations = [migrations.RunPython(add_protocols, remove_protocols)]
