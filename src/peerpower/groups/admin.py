from django.contrib import admin
from django.http import HttpRequest

from peerpower.groups.models import Membership, PeerGroup
from peerpower.networks.admin import HTTPS_URLS


class MembershipInline(admin.TabularInline[Membership, PeerGroup]):
    model = Membership
    extra = 0
    fields = (
        "user",
        "role",
        "status",
        "organisation",
        "joined_on",
        "left_on",
        "pledge_accepted_at",
    )
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: PeerGroup | None = None) -> bool:
        return False


@admin.register(PeerGroup)
class PeerGroupAdmin(admin.ModelAdmin[PeerGroup]):
    """For looking things up. Groups are created and changed on the group pages, whose actions
    generate the series, invite the chair and tell members."""

    formfield_overrides = HTTPS_URLS

    list_display = ("name", "network", "pattern_display", "time_zone")
    list_filter = ("network",)
    list_select_related = ("network",)
    inlines = (MembershipInline,)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: PeerGroup | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: PeerGroup | None = None) -> bool:
        return False
