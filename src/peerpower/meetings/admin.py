from django.contrib import admin
from django.http import HttpRequest

from peerpower.meetings.models import AgendaItem, Meeting, Participation
from peerpower.networks.admin import HTTPS_URLS


class AgendaItemInline(admin.TabularInline[AgendaItem, Meeting]):
    model = AgendaItem
    extra = 0


class ParticipationInline(admin.TabularInline[Participation, Meeting]):
    model = Participation
    extra = 0
    # A reason for apologies is the member's own; nobody else reads it, staff included.
    exclude = ("apology_reason",)


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin[Meeting]):
    """For looking things up. Meetings change on the meeting pages, whose actions keep the
    series, calendars and members' emails right."""

    formfield_overrides = HTTPS_URLS

    list_display = ("group", "starts_at", "status", "changed_by_hand", "sequence")
    list_filter = ("status", "group__network", "group")
    list_select_related = ("group",)
    date_hierarchy = "starts_at"
    inlines = (AgendaItemInline, ParticipationInline)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Meeting | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Meeting | None = None) -> bool:
        return False
