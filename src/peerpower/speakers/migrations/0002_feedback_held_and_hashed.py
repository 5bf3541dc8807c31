"""Feedback that holds over time: "has answered" becomes a keyed hash (no user column), answers
wait sealed in HeldFeedback until the window closes, and a booking records when its window
closed. Talks that already had responses (written the old way, one at a time) count as closed,
so what was shown stays shown and nothing new is mixed into it."""

import uuid

import django.db.models.deletion
from django.db import migrations, models
from django.utils import timezone

from peerpower.speakers.sealing import answered_tokens


def hash_who_answered(apps, schema_editor):
    FeedbackGiven = apps.get_model("speakers", "FeedbackGiven")
    FeedbackResponse = apps.get_model("speakers", "FeedbackResponse")
    Booking = apps.get_model("speakers", "Booking")
    for given in FeedbackGiven.objects.select_related("booking"):
        given.token = answered_tokens(given.booking.uid, given.user_id)[0]
        given.save(update_fields=["token"])
    answered = FeedbackResponse.objects.values("booking_id")
    Booking.objects.filter(pk__in=answered, feedback_released_at=None).update(
        feedback_released_at=timezone.now()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("speakers", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="booking",
            name="feedback_released_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.CreateModel(
            name="HeldFeedback",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("sealed", models.TextField()),
                (
                    "booking",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="speakers.booking",
                    ),
                ),
            ],
        ),
        migrations.AddField(
            model_name="feedbackgiven",
            name="token",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.RunPython(hash_who_answered, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name="feedbackgiven",
            name="feedback_once_per_member",
        ),
        migrations.RemoveField(
            model_name="feedbackgiven",
            name="user",
        ),
        migrations.AddConstraint(
            model_name="feedbackgiven",
            constraint=models.UniqueConstraint(
                fields=("booking", "token"), name="feedback_once_per_member"
            ),
        ),
    ]
