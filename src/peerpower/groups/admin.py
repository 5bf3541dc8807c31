from django.contrib import admin

from peerpower.groups.models import Membership, PeerGroup


class MembershipInline(admin.TabularInline[Membership, PeerGroup]):
    model = Membership
    extra = 0
    raw_id_fields = ("user",)
    fields = (
        "user",
        "role",
        "status",
        "organisation",
        "joined_on",
        "left_on",
        "pledge_accepted_at",
    )
    readonly_fields = ("pledge_accepted_at",)


@admin.register(PeerGroup)
class PeerGroupAdmin(admin.ModelAdmin[PeerGroup]):
    list_display = ("name", "network", "pattern_display", "time_zone")
    list_filter = ("network",)
    list_select_related = ("network",)
    inlines = (MembershipInline,)
