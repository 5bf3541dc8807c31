"""Sending webhook deliveries: the first attempt as soon as the act commits, then the sweep
every minute: retries when their time comes, and any first attempt whose queued task was
lost with its worker (webhooks.actions says why each attempt claims its delivery first)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from peerpower.webhooks import actions


@db_task()
def deliver(delivery_id: int) -> None:
    actions.delivery_attempt(delivery_id)


@db_periodic_task(crontab(minute="*"))
def send_due() -> None:
    actions.deliveries_send_due()
