from io import StringIO

from django.core.management import call_command

from peerpower.accounts.models import User
from peerpower.groups.models import PeerGroup
from peerpower.issues.models import Issue
from peerpower.meetings.models import Meeting


def test_the_demo_loads_once_and_prints_a_login_per_role(db: None) -> None:
    out = StringIO()
    call_command("load_demo", stdout=out)
    call_command("load_demo", stdout=out)  # again: nothing more
    text = out.getvalue()
    assert "Loaded the demo network." in text and "already loaded" in text
    for email in ("admin@", "chair@", "member@", "coach@", "speaker@"):
        assert f"{email}demo.peerpower.test" in text
    assert PeerGroup.objects.count() == 3
    assert User.objects.count() == 3 + 3 * 11
    tuesday = PeerGroup.objects.get(name="Tuesday Leaders")
    assert Meeting.objects.filter(group=tuesday, status="scheduled").count() >= 12 + 6
    assert Issue.objects.filter(group=tuesday).count() == 4
