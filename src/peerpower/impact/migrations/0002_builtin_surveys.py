from django.db import migrations

from peerpower.impact.builtins import add_surveys, remove_surveys


class Migration(migrations.Migration):
    dependencies = [("impact", "0001_initial")]

    operations = [migrations.RunPython(add_surveys, remove_surveys)]
