"""Meeting.day: the meeting's date in its group's time zone, for date rules that must read the
same for every viewer."""

from zoneinfo import ZoneInfo

from django.apps.registry import Apps
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor


def fill_days(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Meeting = apps.get_model("meetings", "Meeting")
    for meeting in Meeting.objects.select_related("group"):
        meeting.day = meeting.starts_at.astimezone(ZoneInfo(meeting.group.time_zone)).date()
        meeting.save(update_fields=["day"])


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_initial"), ("groups", "0002_peergroup_protocol")]

    operations = [
        migrations.AddField(
            model_name="meeting", name="day", field=models.DateField(editable=False, null=True)
        ),
        migrations.RunPython(fill_days, migrations.RunPython.noop),
        migrations.AlterField(model_name="meeting", name="day", field=models.DateField(editable=False)),
    ]
