"""Only the protocols are in the admin. Issues, notes, commitments and check-ins are
confidential to each group, so the admin (and its operators) never sees them."""

from django.contrib import admin

from peerpower.issues.models import Protocol, ProtocolStep


class ProtocolStepInline(admin.TabularInline[ProtocolStep, Protocol]):
    model = ProtocolStep
    extra = 0


@admin.register(Protocol)
class ProtocolAdmin(admin.ModelAdmin[Protocol]):
    list_display = ("name", "network")
    inlines = (ProtocolStepInline,)
