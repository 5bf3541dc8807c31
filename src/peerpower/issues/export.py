"""A member's own record of the issues session, as one file they can keep when they leave.

It holds what the member brought (every issue, withdrawn ones too), the notes the scribe took
for them, and their commitments with what they reported. Nothing anybody else brought is in
it: it is built on the same visibility queries as every page, narrowed to the member's own.
"""

from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from peerpower.accounts.models import User
from peerpower.groups.models import PeerGroup
from peerpower.issues.models import Issue
from peerpower.issues.queries import own_issues_in
from peerpower.lib.rules import require


@sensitive_variables("issues", "text")
def own_record(*, group: PeerGroup, by: User) -> str:
    """The member's issues in the group with their notes and commitments, as plain text."""
    require(by, "issues.keep_own_record", group)
    issues: list[Issue] = list(own_issues_in(by, group))
    text = render_to_string(
        "issues/own_record.txt",
        {"group": group, "member": by, "issues": issues, "made_at": timezone.localtime()},
    )
    return text


def own_record_filename(group: PeerGroup) -> str:
    return f"my-issues-{group.name.lower().replace(' ', '-')}-{timezone.localdate():%Y-%m-%d}.txt"
