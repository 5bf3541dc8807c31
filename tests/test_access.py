"""Every URL pattern, fetched as every role: the response each gets is written down here.

A URL that is not classified below fails the test, so a new page cannot ship without someone
deciding who may see it.
"""

import re
from collections.abc import Callable
from datetime import date, timedelta
from itertools import count
from pathlib import Path

import pytest
from django.http import HttpResponseBase
from django.urls import URLPattern
from django.utils import timezone

from peerpower.accounts.actions import invitation_create
from peerpower.accounts.models import Invitation, User, hash_token
from peerpower.api.actions import token_create
from peerpower.fees import actions as fee_actions
from peerpower.fees.models import Bursary, FeePlan, Invoice, Place, Sponsor
from peerpower.groups.actions import membership_propose
from peerpower.groups.models import Membership
from peerpower.guests import actions as guest_actions
from peerpower.guests.models import ConflictFinding, GuestRequest, OrganisationToAvoid
from peerpower.guests.queries import bookable_meetings
from peerpower.issues.actions import commitment_record, issue_submit
from peerpower.issues.models import Protocol
from peerpower.meetings.models import Meeting
from peerpower.networking.actions import (
    PostFields,
    introduction_request,
    opportunity_post,
    photo_set,
)
from peerpower.networking.models import Introduction, Opportunity, Profile
from peerpower.networks.models import Organisation, Partner
from peerpower.speakers.actions import booking_accept, resource_upload
from peerpower.speakers.models import Booking, Speaker
from tests import factories, urlwalk
from tests.conftest import ClientFor, World
from tests.guests import builders as guest_builders

ROLES = [
    "anonymous",
    "outsider",
    "coach",
    "speaker",
    "former_member",
    "other_member",
    "member",
    "chair",
    "admin",
    "guest",  # invited as a guest to the group's next meeting, pledged (guests app)
    # The admin of a second network on the same install, with its own group and member: they
    # must reach nothing of the first network that its own admin reaches (`people` below).
    "other_admin",
    "sponsor",  # a sponsor's contact (fees app): no group, no network role
]
LOGIN = 302  # anonymous people are sent to the log-in page
# Sent with every response, whatever its status (peerpower.lib.security and Django's own).
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "Permissions-Policy": (
        "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
        "microphone=(), payment=(), usb=()"
    ),
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}
_seq = count()


def status_with_headers(response: HttpResponseBase, *, logged_in: bool = False) -> int:
    """The response's status, after checking it carries every security header, and that no
    browser or proxy may keep what a logged-in person was shown."""
    headers = {name: response.headers.get(name) for name in SECURITY_HEADERS}
    assert headers == SECURITY_HEADERS, response
    if logged_in:
        directives = {d.strip() for d in response.headers.get("Cache-Control", "").split(",")}
        assert {"private", "no-store"} <= directives, response
    return response.status_code


def everyone(status: int, anonymous: int = LOGIN, guest: int = 404) -> dict[str, int]:
    """Every logged-in role gets `status`, except a guest: their account reaches only the guest
    pages, their account settings and what needs no log-in (guests.middleware)."""
    special = {"anonymous": anonymous, "guest": guest}
    return {role: special.get(role, status) for role in ROLES}


def only(allowed: dict[str, int], others: int = 404) -> dict[str, int]:
    return {role: allowed.get(role, LOGIN if role == "anonymous" else others) for role in ROLES}


GROUP_VIEWERS = {"member": 200, "chair": 200, "admin": 200}
MANAGERS = {"chair": 200, "admin": 200}
POST_ONLY = everyone(405)  # GET on a POST-only action (after the log-in check)
IN_NETWORK = {
    role: 200 for role in ("member", "chair", "admin", "other_member", "coach", "speaker")
}
GUEST_POST_ONLY = everyone(405, guest=405)  # the same, of the guest pages

# name -> expected status for a GET, per role
EXPECTED: dict[str, dict[str, int]] = {
    "home": everyone(200, guest=302),  # a guest is sent to their visit
    "healthz": everyone(200, anonymous=200, guest=200),
    # To the static icon (its hashed name may change).
    "favicon": everyone(302, anonymous=302, guest=302),
    "groups:list": everyone(200),
    # Each admin creates groups in the networks they run (Southgate's admin, in Southgate).
    "groups:create": only({"admin": 200, "other_admin": 200}),
    # Everyone's own data; the network's admins, for a person of their network (the member).
    "privacy:mine": everyone(200, guest=200),
    "privacy:mine_json": everyone(200, guest=200),
    "privacy:person": only({"admin": 200}),
    "privacy:erase": only({"admin": 200}),
    # How long the network keeps what: its people (not a former member, not a guest).
    "privacy:retention": only(IN_NETWORK),
    # A network's audit log: its admins only (the other network's admin gets a 404).
    "audit:log": only({"admin": 200}),
    # A network's webhooks: its admins only.
    "webhooks:endpoints": only({"admin": 200}),
    "webhooks:endpoint": only({"admin": 200}),
    "webhooks:delete": only({"admin": 200}),
    "webhooks:test": POST_ONLY,
    "webhooks:secret": POST_ONLY,
    "groups:detail": only(GROUP_VIEWERS),
    "groups:edit": only(MANAGERS),
    # The chair invites members; a network admin proposes them (same page, other wording).
    "groups:invite": only(MANAGERS),
    "groups:chair": only({"admin": 200}),  # invite or replace the chair: network admins only
    "groups:proposal": POST_ONLY,
    "groups:pledge": POST_ONLY,
    "groups:leave": only({"member": 200}),  # a member leaves for themselves; a chair hands over
    "groups:membership_status": POST_ONLY,
    "meetings:detail": only(GROUP_VIEWERS),
    "meetings:rsvp": POST_ONLY,
    "meetings:move": only(MANAGERS),
    "meetings:cancel": only(MANAGERS),
    "meetings:reinstate": POST_ONLY,
    "meetings:agenda": only(MANAGERS),
    "meetings:attendance": only(MANAGERS),
    "meetings:ics": only(GROUP_VIEWERS),
    # The feed is reached by its secret token (here: the member's); no log-in needed.
    "meetings:feed": everyone(200, anonymous=200, guest=200),
    # A reminder's one-click reply: its token is the key; an unknown or spent one is gone.
    "meetings:reply": everyone(410, anonymous=410, guest=410),
    "networks:detail": only({"admin": 200}),
    # The network's set-up: its own admins only; everyone else learns nothing of it.
    **{
        f"networks:{name}": only({"admin": 200})
        for name in (
            "venues",
            "venue_create",
            "venue_edit",
            "venue_delete",
            "partners",
            "partner_create",
            "partner_edit",
            "partner_delete",
            "organisations",
            "organisation_create",
            "organisation_edit",
            "organisation_delete",
            "agenda",
            "protocols",
            "protocol_create",
            "protocol_edit",
            "protocol_delete",
            "settings",
        )
    },
    # Everyone may say which organisation they lead (the page says so when they have no group).
    "networks:my_organisation": everyone(200),
    "networks:remind_replies": POST_ONLY,
    "invitation_accept": everyone(200, anonymous=200, guest=200),
    "invitation_revoke": POST_ONLY,
    "invitation_restore": POST_ONLY,
    "account_settings": everyone(200, guest=200),
    "calendar_settings": everyone(200),
    "mfa_required": everyone(302, guest=302),  # everyone here has MFA or needs none: sent home
    # The issues session: the group's pledged members only. Admins may know the meeting
    # exists, so they get a page saying it is for members; everyone else a 404.
    "issues:meeting": only({"member": 200, "chair": 200, "admin": 403}),
    "issues:submit": POST_ONLY,
    "issues:order": POST_ONLY,
    "issues:check_in": POST_ONLY,
    "issues:room": only({"member": 200, "chair": 200}),
    "issues:room_state": only({"member": 200, "chair": 200}),
    "issues:room_act": POST_ONLY,
    "issues:room_note": POST_ONLY,
    # The practice room is the chair's own rehearsal.
    "issues:practice": only({"chair": 200}),
    "issues:practice_act": POST_ONLY,
    "issues:detail": only({"member": 200, "chair": 200}),
    "issues:edit": only({"member": 200}),  # the presenter only
    "issues:delete": only({"member": 200}),
    "issues:withdraw": POST_ONLY,
    "issues:restore": POST_ONLY,
    "issues:back": POST_ONLY,
    "issues:notes_share": POST_ONLY,
    "issues:commitment": POST_ONLY,
    "issues:commitments": everyone(200),
    "issues:report": POST_ONLY,
    "issues:access_log": only({"member": 200, "chair": 200}),
    "issues:own_record": only({"member": 200, "chair": 200}),
    # The speaker bureau: the network's admins and its groups' current members (the other
    # group's member too); the speaker sees their own profile and bookings, never a group's.
    "speakers:directory": only({**GROUP_VIEWERS, "other_member": 200}),
    "speakers:add": only(MANAGERS),
    "speakers:settings": only({"admin": 200}),
    "speakers:network_programme": only(MANAGERS),
    "speakers:own_profile": POST_ONLY,
    "speakers:profile": only({**GROUP_VIEWERS, "other_member": 200, "speaker": 200}),
    "speakers:edit": only({"speaker": 200, "admin": 200}),
    "speakers:invite": POST_ONLY,
    "speakers:book": only(MANAGERS),
    "speakers:home": everyone(200),
    "speakers:booking": only({**MANAGERS, "speaker": 200}),
    "speakers:accept": POST_ONLY,
    "speakers:decline": POST_ONLY,
    "speakers:withdraw": POST_ONLY,
    "speakers:upload": POST_ONLY,
    # Members rate a talk (the page says when they can); admins hold no seat to rate from.
    "speakers:feedback": only({"member": 200, "chair": 200}),
    # Before the talk: its speaker and the group's managers; members once it has begun.
    "speakers:resource": only({**MANAGERS, "speaker": 200}),
    "speakers:resource_delete": POST_ONLY,
    "speakers:programme": only(MANAGERS),
    # Guests: the public page and request form are the only pages for anonymous visitors
    # besides the log-in pages; the links in emails work by their token.
    "guests:public": everyone(200, anonymous=200, guest=200),
    "guests:request_form": everyone(200, anonymous=200, guest=200),
    "guests:confirm": everyone(200, anonymous=200, guest=200),
    "guests:withdraw": everyone(200, anonymous=200, guest=200),
    "guests:join": everyone(200, anonymous=200, guest=200),
    "guests:mine": everyone(200, guest=200),
    # Any current member (of any group) lists organisations they would rather not meet.
    "guests:avoid": only({"member": 200, "chair": 200, "other_member": 200}),
    "guests:avoid_remove": GUEST_POST_ONLY,
    "guests:visit": only({"guest": 200}),
    "guests:pledge": GUEST_POST_ONLY,
    "guests:ics": only({"guest": 200}),
    "guests:cannot_come": GUEST_POST_ONLY,
    "guests:feedback": GUEST_POST_ONLY,
    "guests:apply": GUEST_POST_ONLY,
    **{
        f"guests:{name}": only({"admin": 200})
        for name in ("triage", "settings", "group_settings", "funnel", "funnel_csv", "request")
    },
    "guests:check": GUEST_POST_ONLY,
    "guests:finding": GUEST_POST_ONLY,
    "guests:invite": GUEST_POST_ONLY,
    "guests:decline": GUEST_POST_ONLY,
    "guests:application": GUEST_POST_ONLY,
    # The chair sees the guests expected (and approves them); the admins too.
    "guests:meeting_guests": only({"chair": 200, "admin": 200}),
    "guests:chair_decide": GUEST_POST_ONLY,
    # Fees: the network's admins run everything; a member sees their own place, invoices and
    # bursary application; the chair sees nothing of anyone's fees; a sponsor's contact sees
    # only their sponsor's aggregate page.
    **{
        f"fees:{name}": only({"admin": 200})
        for name in (
            "overview",
            "settings",
            "plan_create",
            "plan",
            "plan_version",
            "billing",
            "places",
            "place_create",
            "place",
            "invoices",
            "credit",
            "export",
            "bursaries",
            "sponsors",
            "sponsor",
        )
    },
    "fees:plan_retire": POST_ONLY,
    "fees:place_renew": POST_ONLY,
    "fees:invoice_issue": POST_ONLY,
    "fees:agreement_invoice": POST_ONLY,
    "fees:mine": everyone(200),
    "fees:invoice": only({"admin": 200, "member": 200}),  # the member's own place's
    "fees:invoice_pdf": only({"admin": 200, "member": 200}),
    "fees:bursary": only({"admin": 200, "member": 200}),  # the member applied
    # Any current member of one of the network's groups may apply (not a former member).
    "fees:bursary_apply": only({"member": 200, "chair": 200, "other_member": 200}),
    "fees:sponsor_page": only({"sponsor": 200}),
    # Coaching: everyone logged in has a coaching page (their own engagements, maybe none).
    "coaching:home": everyone(200),
    # The engagement (allowance, what is left): its member, its coach and the network's admins.
    "coaching:engagement": only({"member": 200, "coach": 200, "admin": 200}),
    "coaching:book": only({"member": 200}),
    # A session, its agenda and notes: the coach and the member only, never an admin.
    "coaching:session": only({"member": 200, "coach": 200}),
    "coaching:reschedule": only({"member": 200, "coach": 200}),
    "coaching:manage": only({"admin": 200}),
    "coaching:utilisation": only({"admin": 200}),
    "coaching:utilisation_csv": only({"admin": 200}),
    "coaching:profile": only({"coach": 200}),
    **{
        f"coaching:{name}": POST_ONLY
        for name in (
            "change",
            "goal_add",
            "goal_progress",
            "goal_link",
            "cancel",
            "waive",
            "mark",
            "note",
            "rule_remove",
            "exception_remove",
            "settings",
            "areas",
            "rule_add",
            "exception_add",
        )
    },
    # Networking: everyone in the network (its groups' current members and chairs, its admins,
    # coaches and speakers); guests, former members and outsiders see no profile at all.
    # To the one network's directory (a choice if several); a page that says so if none.
    "networking:home": {**everyone(200), **{role: 302 for role in [*IN_NETWORK, "other_admin"]}},
    "networking:directory": only(IN_NETWORK),
    "networking:own_profile": only(IN_NETWORK),
    "networking:tags": only({"admin": 200}),
    "networking:profile": only(IN_NETWORK),  # the member's profile, name seen by the network
    "networking:photo": only({"member": 200, "chair": 200}),  # the photo is for the group
    "networking:introduce": only(IN_NETWORK),
    "networking:introduce_members": only({"chair": 200}),
    "networking:introductions": everyone(200),  # each person's own list
    # Asked by the other group's member of the member: the two of them only.
    "networking:introduction": only({"member": 200, "other_member": 200}),
    "networking:answer": POST_ONLY,
    # The opportunities board: everyone in the network reads and replies; the member posted.
    "networking:board": only(IN_NETWORK),
    "networking:opportunity_new": only(IN_NETWORK),
    "networking:opportunity": only(IN_NETWORK),
    "networking:opportunity_extend": only({"member": 200}),
    "networking:opportunity_close": POST_ONLY,
    # Group formation: the network's admins only (not a chair, not another network's admin).
    **{
        f"formation:{name}": only({"admin": 200}) for name in ("pool", "run_new", "run", "progress")
    },
    **{
        f"formation:{name}": POST_ONLY
        for name in ("import", "remove", "decide", "move", "lock", "rerun", "accept")
    },
    # Impact: each person's own surveys; an invitation is its person's only; the network's
    # admins edit its surveys.
    "impact:mine": everyone(200),
    "impact:answer": only({"member": 200}),
    "impact:surveys": only({"admin": 200}),
    "impact:survey_edit": only({"admin": 200}),
    # Dashboards: a person's own progress (maybe empty); the group's health for its chair and
    # the network's admins; the network's outcomes for its admins; each with its CSV.
    "impact:progress": everyone(200),
    "impact:progress_csv": everyone(200),
    "impact:group_health": only(MANAGERS),
    "impact:group_health_csv": only(MANAGERS),
    "impact:outcomes": only({"admin": 200}),
    "impact:outcomes_csv": only({"admin": 200}),
    "impact:report": only({"admin": 200}),
    "impact:report_pdf": only({"admin": 200}),
    "impact:report_csv": only({"admin": 200}),
    # The trustee business case: members (and chairs) of the network's groups, their own.
    **{
        f"impact:{name}": only({"member": 200, "chair": 200, "other_member": 200})
        for name in ("case", "case_pdf", "case_odt")
    },
    # Your settings → API tokens: everyone with an account but a guest; a token's revoke page
    # is its owner's (the member's) only.
    "api:tokens": everyone(200),
    "api:token_revoke": only({"member": 200}),
    # The HTTP API answers a token, never a session: every role gets 401 here, and
    # tests/api/test_access.py walks the same URLs with each role's own token. Its schema and
    # reference are public; its root is nothing; the reply is a PUT.
    **{
        f"api_v1:{name}": everyone(401, anonymous=401, guest=401)
        for name in (
            "network_list",
            "network_detail",
            "group_list",
            "group_detail",
            "membership_list",
            "meeting_list",
            "meeting_detail",
            "rsvp_list",
        )
    },
    "api_v1:rsvp_put": everyone(405, anonymous=405, guest=405),
    "api_v1:openapi-json": everyone(200, anonymous=200, guest=200),
    "api_v1:api-root": everyone(404, anonymous=404, guest=404),
    # The digest's one-click unsubscribe: the address's token is the key (no log-in).
    "networking:unsubscribe": everyone(200, anonymous=200, guest=200),
}

# POST-only actions, posted with no data: who gets past the visibility check.
EXPECTED_POST: dict[str, dict[str, int]] = {
    # The chair's reminder to reply: the chair and the network's admins (sent home either way).
    "networks:remind_replies": only({"chair": 302, "admin": 302}),
    "groups:pledge": only({"member": 302, "chair": 302, "admin": 404}),
    "groups:membership_status": only({"chair": 302, "admin": 302}),
    "meetings:rsvp": only({"member": 400, "chair": 400}),
    "meetings:reinstate": only({"chair": 302, "admin": 302}),
    "groups:proposal": only({"chair": 302}),  # the chair decides on proposals
    # A member's invitation is the chair's to withdraw (the chair sent it), not the admin's.
    "invitation_revoke": only({"chair": 302}),
    # An undo waits in the session of whoever withdrew: anyone else has nothing to undo (home).
    "invitation_restore": everyone(302, anonymous=302),
    "issues:submit": only({"member": 400, "chair": 400}),
    "issues:order": only({"member": 302, "chair": 302}),
    "issues:check_in": only({"member": 400, "chair": 400}),
    "issues:room_act": only({"member": 302, "chair": 302}),
    # A refused note comes back on the room page with its text and the reason.
    "issues:room_note": only({"member": 400, "chair": 400}),
    "issues:practice_act": only({"chair": 302}),
    "issues:withdraw": only({"member": 302, "chair": 302}),
    "issues:restore": only({"member": 302, "chair": 302}),  # nothing to undo: back to the issue
    "issues:back": only({"member": 302, "chair": 302}),
    "issues:notes_share": only({"member": 302, "chair": 302}),
    "issues:commitment": only({"member": 400, "chair": 400}),
    # An empty report comes back on the commitments page with each error beside its field.
    "issues:report": only({"member": 400, "chair": 400}),
    "speakers:own_profile": only({"speaker": 302}),
    # The builder's contact has an email and no log-in: the admin invites them.
    "speakers:invite": only({"admin": 302}),
    # The chair and admin are refused (shown above the page), as the speaker is for withdraw.
    "speakers:accept": only({"speaker": 302, "chair": 302, "admin": 302}),
    "speakers:decline": only({"speaker": 302, "chair": 400, "admin": 400}),
    "speakers:withdraw": only({"speaker": 302, "chair": 302, "admin": 302}),
    "speakers:upload": only({"speaker": 400, "chair": 400, "admin": 400}),  # no file sent
    "speakers:feedback": only({"member": 400, "chair": 400}),
    # the chair's file: the chair and admins remove it; the speaker is told it is not theirs
    "speakers:resource_delete": only({"speaker": 302, "chair": 302, "admin": 302}),
    "guests:pledge": only({"guest": 302}),
    "guests:cannot_come": only({"guest": 302}),
    "guests:feedback": only({"guest": 400}),
    "guests:apply": only({"guest": 400}),
    "guests:avoid_remove": only({"member": 302}),  # the member's own entry
    "guests:check": only({"admin": 302}),
    "guests:finding": only({"admin": 302}),
    "guests:invite": only({"admin": 400}),
    "guests:decline": only({"admin": 302}),
    "guests:application": only({"admin": 400}),
    # The chair decides; an admin is told the rule's refusal (both sent back to the page).
    "guests:chair_decide": only({"chair": 302, "admin": 302}),
    # The admin is sent back to the page whether the action went ahead or said why not.
    "fees:plan_retire": only({"admin": 302}),
    "fees:place_renew": only({"admin": 302}),
    "fees:invoice_issue": only({"admin": 302}),
    "fees:agreement_invoice": only({"admin": 302}),
    # Only the network's admins change an engagement; its member and coach are told so.
    "coaching:change": only({"member": 302, "coach": 302, "admin": 400}),
    "coaching:goal_add": only({"member": 400, "coach": 400}),  # no title
    "coaching:goal_progress": only({"member": 302, "coach": 302}),
    "coaching:goal_link": only({"member": 302, "coach": 302}),
    "coaching:cancel": only({"member": 302, "coach": 302}),
    "coaching:waive": only({"member": 302, "coach": 302}),
    "coaching:mark": only({"member": 302, "coach": 302}),
    "coaching:note": only({"member": 400, "coach": 400}),  # no text
    "coaching:rule_remove": only({"coach": 302}),
    "coaching:exception_remove": only({"coach": 302}),
    "coaching:settings": only({"admin": 400}),
    "coaching:areas": only({"admin": 400}),  # no areas given
    "coaching:rule_add": only({"coach": 400}),
    "coaching:exception_add": only({"coach": 400}),
    # Sent back to the page with nothing done (no button named); the asker cannot answer.
    "networking:answer": only({"member": 302, "other_member": 302}),
    "networking:opportunity_close": only({"member": 302}),  # its poster closes it
    # Formation: the admin is sent back to the page (a move with nothing chosen comes back
    # with the reason beside the control); everyone else gets 404.
    **{
        f"formation:{name}": only({"admin": 302})
        for name in ("import", "remove", "decide", "lock", "accept")
    },
    "formation:move": only({"admin": 400}),
    "formation:rerun": only({"admin": 400}),  # no seconds given: said beside the field
}

# allauth's own pages: public ones answer anonymous people; the rest send them to log in.
ALLAUTH_PUBLIC = {
    "account_login",
    "account_signup",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key",
    "account_reset_password_from_key_done",
    "account_confirm_email",
    "account_email_verification_sent",
    "account_inactive",
    "account_confirm_login_code",
    "mfa_authenticate",
    "mfa_login_webauthn",
    "account_logout",
    "account_request_reauthentication_code",
    "account_confirm_reauthentication_code",
}
ALLAUTH_PRIVATE = {
    "account_email",
    "account_change_password",
    "account_set_password",
    "account_reauthenticate",
    "mfa_index",
    "mfa_reauthenticate",
    "mfa_activate_totp",
    "mfa_deactivate_totp",
    "mfa_view_recovery_codes",
    "mfa_generate_recovery_codes",
    "mfa_download_recovery_codes",
    "mfa_list_webauthn",
    "mfa_add_webauthn",
    "mfa_reauthenticate_webauthn",
    "mfa_remove_webauthn",
    "mfa_edit_webauthn",
}


Objects = dict[str, object]


def issue_objects(world: World, name: str) -> Objects:
    """A fresh issue (and commitment) for the member to act on: each POST gets its own."""
    # The member (who brings a fresh issue each time) and the chair have pledged.
    Membership.objects.filter(group=world.group, user__in=[world.member, world.chair]).update(
        pledge_accepted_at=timezone.now()
    )
    meeting = world.next_meeting()
    issue = issue_submit(meeting=meeting, presenter=world.member, question="How do I?")
    commitment = commitment_record(
        issue=issue, by=world.member, text="Call", due_on=timezone.localdate() + timedelta(days=9)
    )
    return {"meeting": meeting.pk, "issue": issue.pk, "commitment": commitment.pk}


def meeting_objects(world: World, name: str) -> Objects:
    meeting = world.next_meeting()
    if name == "meetings:attendance":  # attendance is taken for a meeting that has happened
        past = (
            Meeting.objects.filter(group=world.group, starts_at__lt=meeting.starts_at)
            .order_by("-starts_at")
            .first()
        )
        meeting = past or meeting
    return {"meeting": meeting.pk}


def invitation_objects(world: World, name: str) -> Objects:
    """A pending invitation to the group, whose link token we know."""
    invitation = invitation_create(
        network=world.network,
        group=world.group,
        role="member",
        email=f"new{next(_seq)}@example.org",
        by=world.chair,
    )
    token = f"token-{invitation.pk}"
    Invitation.objects.filter(pk=invitation.pk).update(token_hash=hash_token(token))
    return {"invitation": invitation.pk, "token": token}


def network_objects(world: World, name: str) -> Objects:
    """A venue, partner, organisation and protocol of the network, none in use (so each
    delete page offers to delete)."""
    n = next(_seq)
    return {
        "venue": factories.make_venue(world.network, f"Spare room {n}").pk,
        "partner": Partner.objects.create(network=world.network, name=f"Partner {n}").pk,
        "organisation": Organisation.objects.create(
            network=world.network, name=f"Organisation {n}"
        ).pk,
        "protocol": Protocol.objects.create(network=world.network, name=f"Protocol {n}").pk,
        "meeting": world.next_meeting().pk,
    }


def proposal_objects(world: World, name: str) -> Objects:
    """A network admin's proposal, waiting for the chair."""
    proposal = membership_propose(
        group=world.group, email=f"proposed{next(_seq)}@example.org", by=world.admin
    )
    return {"membership_id": proposal.pk}


def speaker_objects(world: World, name: str) -> Objects:
    """The world's speaker's profile, asked for the next meeting (pending; confirmed for the
    feedback page), with a file; for the invitation, a contact with no log-in."""
    from tests.speakers.conftest import book, make_speaker, pdf

    speaker = Speaker.objects.filter(network=world.network, user=world.speaker).first()
    speaker = speaker or make_speaker(world, world.speaker)
    Booking.objects.filter(speaker=speaker).delete()
    booking = book(world, speaker)
    resource = resource_upload(booking=booking, upload=pdf(), by=world.chair)
    if name == "speakers:feedback":  # only a confirmed talk has a feedback page
        booking = booking_accept(booking=booking, by=world.speaker)
    if name == "speakers:invite":
        n = next(_seq)
        speaker = Speaker.objects.create(
            network=world.network, name=f"Contact {n}", email=f"contact{n}@example.org"
        )
    return {"speaker": speaker.pk, "booking": booking.pk, "resource": resource.pk}


def guest_objects(world: World, name: str) -> Objects:
    """The world's guest's request (invited to the next meeting), a finding of it, a member's
    organisation to avoid, and for the email links a token that opens something."""
    request = GuestRequest.objects.get(user=world.guest)
    member_seat = world.group.memberships.get(user=world.member)
    finding, _ = ConflictFinding.objects.get_or_create(
        request=request, group=world.group, membership=member_seat, kind="competitor"
    )
    entry = OrganisationToAvoid.objects.create(user=world.member, name=f"Rival {next(_seq)}")
    token = ""
    if name == "guests:confirm":
        token = guest_actions.confirm_token(guest_builders.submit(world.network))
    elif name == "guests:withdraw":
        token = guest_actions.withdraw_token(guest_builders.confirmed(world.network))
    elif name == "guests:join":
        # Any meeting with a place left: some walks build this many times over.
        meeting, _ = bookable_meetings(world.network)[0]
        fresh = guest_builders.invited(world.network, meeting, world.admin)
        token = f"guest-token-{fresh.pk}"
        GuestRequest.objects.filter(pk=fresh.pk).update(invite_token_hash=hash_token(token))
    objects: Objects = {
        "guest_request": request.pk,
        "request_id": request.pk,
        "finding_id": finding.pk,
        "avoid": entry.pk,
        "meeting": request.meeting_id,
    }
    return {**objects, "token": token} if token else objects


def coaching_objects(world: World, name: str) -> Objects:
    """The world's coach (with hours) coaching the world's member; a fresh booked session
    each time (a cancel takes one), a goal, weekly hours and a day off."""
    from tests.coaching.builders import coaching_world

    objects = coaching_world(world)
    return {
        "engagement": objects.engagement.pk,
        "session": objects.session.pk,
        "goal": objects.goal.pk,
        "rule": objects.rule.pk,
        "exception": objects.exception.pk,
    }


def fee_objects(world: World, name: str) -> Objects:
    """The network's plan, the member's place and its invoice, the member's bursary
    application and the world's sponsor with an agreement (each made once per test)."""
    from tests.fees import builders as fee_builders

    plan = FeePlan.objects.filter(network=world.network).first()
    if plan is None:
        fee_builders.invoice_details(world.network, world.admin)
        plan = fee_builders.plan(world.network, world.admin)
    seat = world.group.memberships.get(user=world.member)
    place = Place.objects.filter(membership=seat).first() or fee_builders.place(
        seat, plan, world.admin
    )
    invoice = Invoice.objects.filter(place=place).first() or fee_actions.invoice_issue(
        place=place, by=world.admin
    )
    bursary = Bursary.objects.filter(applicant=world.member).first() or (
        fee_actions.bursary_apply(
            network=world.network,
            income_pounds=80_000,
            reasons="Our income fell",
            can_pay_pence=300_00,
            by=world.member,
        )
    )
    sponsor = Sponsor.objects.get(network=world.network, contacts=world.sponsor)
    agreement = sponsor.agreements.first() or fee_actions.agreement_create(
        sponsor=sponsor,
        places=6,
        price_pence=500_00,
        starts_on=date(2026, 1, 1),
        ends_on=date(2027, 12, 31),
        by=world.admin,
    )
    assert place.organisation is not None
    return {
        "fee_plan": plan.pk,
        "place": place.pk,
        "invoice": invoice.pk,
        "bursary": bursary.pk,
        "sponsor": sponsor.pk,
        "agreement": agreement.pk,
        "organisation": place.organisation.pk,
    }


def formation_objects(world: World, name: str) -> Objects:
    """A finished run of 16 of the pool in two new online groups, and a person in the pool
    (each made afresh: a POST may accept the run or remove the person)."""
    from tests.formation.builders import finished_run

    run = finished_run(world.network, world.admin)
    return {"run": run.pk, "candidate": run.candidates.order_by("pk").first().pk}  # type: ignore[union-attr]


def networking_objects(world: World, name: str) -> Objects:
    """The member's profile (a photo for the group), the other group's member's request to
    be introduced to them, their group, and a post of theirs on the board."""
    from tests.networking.conftest import make_profile, png

    profile = Profile.objects.filter(user=world.member).first() or make_profile(
        world.member, world.network
    )
    if not profile.photo:
        photo_set(profile=profile, upload=png(), by=world.member)
    asker = Profile.objects.filter(user=world.other_member).first()
    asker = asker or make_profile(world.other_member, world.network)
    Introduction.objects.filter(requester=world.other_member).delete()
    introduction = introduction_request(
        to=profile, reason="We both run youth services in the north.", by=world.other_member
    )
    Opportunity.objects.filter(poster=world.member).delete()
    post = opportunity_post(
        network=world.network,
        fields=PostFields(
            kind="partnership",
            title="A partner for a youth project",
            description="We are looking for a partner in the north.",
            closes_on=timezone.localdate() + timedelta(days=30),
        ),
        by=world.member,
    )
    return {
        "profile": profile.pk,
        "introduction": introduction.pk,
        "group": world.group.pk,
        "opportunity": post.pk,
        "token": profile.digest_token,  # the digest's unsubscribe
    }


def impact_objects(world: World, name: str) -> Objects:
    """A survey sent to the member (open); the built-in after-meeting survey to edit."""
    from peerpower.impact.models import Survey
    from tests.impact.conftest import send

    invitation = send(world, "after_meeting", [world.member], key=f"walk:{next(_seq)}")
    survey = Survey.objects.get(network=None, kind="after_meeting")
    return {"invitation": invitation[world.member].pk, "survey": survey.pk}


# The objects each URL is pointed at, built fresh for each request: by URL name, else by
# namespace. A new app adds its namespace here (and the pk kinds to urlwalk.PK_OF).
def api_token_objects(world: World, name: str) -> Objects:
    """The member's own token (its revoke page is theirs only)."""
    token, _ = token_create(
        by=world.member,
        network=world.network,
        name="CRM",
        access="read",
        expires_on=timezone.localdate() + timedelta(days=30),
    )
    return {"api_token": token.pk}


def webhook_objects(world: World, name: str) -> Objects:
    from peerpower.webhooks.actions import endpoint_create

    endpoint = endpoint_create(
        network=world.network,
        url="http://127.0.0.1:9/hook",
        events=["meeting.changed"],
        description="CRM",
        by=world.admin,
    )
    return {"endpoint": endpoint.pk}


BUILDERS: dict[str, Callable[[World, str], Objects]] = {
    "issues": issue_objects,
    "speakers": speaker_objects,
    "meetings": meeting_objects,
    "networks": network_objects,
    "invitation_accept": invitation_objects,
    "invitation_revoke": invitation_objects,
    "invitation_restore": invitation_objects,
    "groups:proposal": proposal_objects,
    "guests": guest_objects,
    "fees": fee_objects,
    "privacy:person": lambda world, name: {"person": world.member.pk},
    "privacy:erase": lambda world, name: {"person": world.member.pk},
    "coaching": coaching_objects,
    "networking": networking_objects,
    "formation": formation_objects,
    "impact": impact_objects,
    "api": api_token_objects,
    "webhooks": webhook_objects,
}


def objects_for(world: World, name: str) -> Objects:
    objects: Objects = {
        "group": world.group.pk,
        "slug": world.network.slug,
        "token": world.member.calendar_token,
        "membership_id": world.group.memberships.get(user=world.member).pk,
    }
    build = BUILDERS.get(name) or BUILDERS.get(urlwalk.namespace_of(name))
    return {**objects, **build(world, name)} if build else objects


def url_for(world: World, name: str, pattern: URLPattern) -> str:
    return urlwalk.url_for(name, pattern, objects_for(world, name))


@pytest.fixture
def people(world: World) -> dict[str, User | None]:
    """Each role's person: the world's, and the admin of a second network."""
    southgate = factories.make_network("Southgate")
    other_admin = factories.make_admin(southgate, "Sam Southgate")
    circle = factories.make_group(southgate, "Southgate Circle")
    factories.add_member(circle, factories.make_user("Sol South"))
    return {role: getattr(world, role, None) for role in ROLES} | {"other_admin": other_admin}


def test_every_url_is_classified() -> None:
    unclassified = [
        name
        for name, _ in urlwalk.all_patterns()
        if name not in EXPECTED
        and name not in ALLAUTH_PUBLIC | ALLAUTH_PRIVATE
        and not name.startswith("admin:")
    ]
    assert unclassified == []


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_role_gets_the_expected_response(
    name: str, world: World, people: dict[str, User | None], client_for: ClientFor
) -> None:
    pattern = dict(urlwalk.all_patterns())[name]
    url = url_for(world, name, pattern)
    got = {role: status_with_headers(client_for(people[role]).get(url)) for role in ROLES}
    assert got == EXPECTED[name]


@pytest.mark.parametrize("name", sorted(EXPECTED_POST))
def test_each_role_gets_the_expected_response_to_a_post(
    name: str, world: World, people: dict[str, User | None], client_for: ClientFor
) -> None:
    pattern = dict(urlwalk.all_patterns())[name]
    got = {}
    for role in ROLES:
        url = url_for(world, name, pattern)  # fresh objects each time
        got[role] = status_with_headers(
            client_for(people[role]).post(url), logged_in=role != "anonymous"
        )
    assert got == EXPECTED_POST[name]


def test_allauth_pages_are_public_or_need_a_login(world: World, client_for: ClientFor) -> None:
    anonymous = client_for(None)
    for name, pattern in urlwalk.all_patterns():
        if name not in ALLAUTH_PUBLIC | ALLAUTH_PRIVATE:
            continue
        url = url_for(world, name, pattern)
        status = status_with_headers(anonymous.get(url))
        if name in ALLAUTH_PRIVATE:
            assert status == 302, name
        else:
            assert status in (200, 302, 404), name


def test_the_django_admin_is_for_staff_only(
    world: World, people: dict[str, User | None], client_for: ClientFor
) -> None:
    for role in ROLES:
        client = client_for(people[role])
        for name, pattern in urlwalk.all_patterns():
            if not name.startswith("admin:") or name == "admin:login" or name == "admin:logout":
                continue
            url = url_for(world, name, pattern)
            assert status_with_headers(client.get(url), logged_in=role != "anonymous") == 302, (
                role,
                name,
            )


def test_pages_reached_by_a_secret_are_not_stored_either(
    world: World, client_for: ClientFor
) -> None:
    for name in ("meetings:feed", "invitation_accept"):
        url = url_for(world, name, dict(urlwalk.all_patterns())[name])
        # Anonymous: status_with_headers checks no-store for logged-in people only.
        assert status_with_headers(client_for(None).get(url), logged_in=True) == 200, name


def test_static_files_carry_the_security_headers_too(client_for: ClientFor) -> None:
    response = client_for(None).get("/static/peerpower/site.css")
    assert response.status_code == 200
    # WhiteNoise answers before the clickjacking middleware; frame-ancestors covers framing.
    expected = {k: v for k, v in SECURITY_HEADERS.items() if k != "X-Frame-Options"}
    assert {name: response.headers.get(name) for name in expected} == expected


def test_no_page_template_has_an_inline_script_style_or_handler() -> None:
    """The policy refuses them, so they would silently not work. (Emails are not pages: mail
    clients need their inline styles.) JSON data blocks are not scripts and may stay."""
    root = Path(__file__).resolve().parent.parent / "src" / "peerpower"
    inline = re.compile(
        r"""\sstyle=|<style|\son[a-z]+=|javascript:|hx-on|<script(?![^>]*\s(src=|type="application/json"))"""
    )
    found = [
        f"{path.relative_to(root)}:{number}: {line.strip()}"
        for path in root.glob("**/templates/**/*.html")
        if "email" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if inline.search(line)
    ]
    assert found == []
