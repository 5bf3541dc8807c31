from django.contrib import admin

from peerpower.meetings.models import AgendaItem, Meeting, Participation


class AgendaItemInline(admin.TabularInline[AgendaItem, Meeting]):
    model = AgendaItem
    extra = 0


class ParticipationInline(admin.TabularInline[Participation, Meeting]):
    model = Participation
    extra = 0
    raw_id_fields = ("user",)


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin[Meeting]):
    """Read-mostly: times and status change through the meeting pages, which notify members."""

    list_display = ("group", "starts_at", "status", "changed_by_hand", "sequence")
    list_filter = ("status", "group__network", "group")
    list_select_related = ("group",)
    date_hierarchy = "starts_at"
    readonly_fields = (
        "uid",
        "slot",
        "starts_at",
        "ends_at",
        "status",
        "sequence",
        "changed_by_hand",
        "cancel_reason",
    )
    inlines = (AgendaItemInline, ParticipationInline)
