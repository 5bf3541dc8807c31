from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from peerpower import views
from peerpower.accounts import views as account_views
from peerpower.api import v1 as api_v1
from peerpower.groups import views as group_views
from peerpower.meetings import views as meeting_views

groups_patterns = (
    [
        path("", group_views.group_list, name="list"),
        path("new/", group_views.group_create, name="create"),
        path("<int:pk>/", group_views.group_detail, name="detail"),
        path("<int:pk>/edit/", group_views.group_edit, name="edit"),
        path("<int:pk>/invite/", group_views.group_invite, name="invite"),
        path("<int:pk>/chair/", group_views.group_chair, name="chair"),
        path(
            "<int:pk>/members/<int:membership_id>/proposal/",
            group_views.proposal_decide,
            name="proposal",
        ),
        path("<int:pk>/pledge/", group_views.pledge_accept, name="pledge"),
        path("<int:pk>/leave/", group_views.membership_leave, name="leave"),
        path(
            "<int:pk>/members/<int:membership_id>/status/",
            group_views.membership_status,
            name="membership_status",
        ),
    ],
    "groups",
)

meetings_patterns = (
    [
        path("meetings/<int:pk>/", meeting_views.meeting_detail, name="detail"),
        path("meetings/<int:pk>/rsvp/", meeting_views.rsvp, name="rsvp"),
        path("meetings/<int:pk>/move/", meeting_views.meeting_move, name="move"),
        path("meetings/<int:pk>/cancel/", meeting_views.meeting_cancel, name="cancel"),
        path("meetings/<int:pk>/reinstate/", meeting_views.meeting_reinstate, name="reinstate"),
        path("meetings/<int:pk>/agenda/", meeting_views.agenda_edit, name="agenda"),
        path("meetings/<int:pk>/attendance/", meeting_views.attendance, name="attendance"),
        path("meetings/<int:pk>/calendar.ics", meeting_views.meeting_ics, name="ics"),
        path("calendar/<str:token>.ics", meeting_views.calendar_feed, name="feed"),
        path("reply/<str:token>/", meeting_views.reply_by_link, name="reply"),
    ],
    "meetings",
)

# The admin's own log-in would skip two-factor authentication; send it through allauth's.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("groups/", include(groups_patterns)),
    path("", include(meetings_patterns)),
    path("", include("peerpower.networks.urls")),
    path("", include("peerpower.issues.urls")),
    path("", include("peerpower.speakers.urls")),
    path("", include("peerpower.guests.urls")),
    path("", include("peerpower.privacy.urls")),
    path("", include("peerpower.audit.urls")),
    path("", include("peerpower.webhooks.urls")),
    path("", include("peerpower.coaching.urls")),
    path("", include("peerpower.fees.urls")),
    path("", include("peerpower.networking.urls")),
    path("", include("peerpower.formation.urls")),
    path("", include("peerpower.impact.urls")),
    path("", include("peerpower.api.urls")),
    path("api/v1/", api_v1.urls()),
    path("invitations/<str:token>/", account_views.invitation_accept, name="invitation_accept"),
    path(
        "invitations/<int:pk>/withdraw/", account_views.invitation_revoke, name="invitation_revoke"
    ),
    path(
        "invitations/<int:pk>/restore/",
        account_views.invitation_restore,
        name="invitation_restore",
    ),
    path("settings/", account_views.account_settings, name="account_settings"),
    path("settings/calendar/", account_views.calendar_settings, name="calendar_settings"),
    path("accounts/mfa-required/", account_views.mfa_required, name="mfa_required"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
