from collections.abc import Mapping
from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from peerpower.accounts.admin import tell_of_change
from peerpower.networks.models import (
    AgendaTemplateItem,
    Network,
    NetworkRole,
    Organisation,
    Partner,
    Venue,
)

# Links typed without a scheme are taken as https (Django 6's default, chosen now).
HTTPS_URLS: Mapping[type[models.Field[Any, Any]], Mapping[str, Any]] = {
    models.URLField: {"assume_scheme": "https"}
}


class AgendaTemplateInline(admin.TabularInline[AgendaTemplateItem, Network]):
    model = AgendaTemplateItem
    extra = 0


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin[Network]):
    list_display = ("name", "slug", "time_zone")
    prepopulated_fields = {"slug": ("name",)}
    inlines = (AgendaTemplateInline,)


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin[Partner]):
    formfield_overrides = HTTPS_URLS
    list_display = ("name", "network")
    list_filter = ("network",)


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin[Venue]):
    list_display = ("name", "partner", "network")
    list_filter = ("network",)
    list_select_related = ("partner", "network")


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    list_display = ("name", "registered_number", "sector", "size_band", "region", "network")
    list_filter = ("network", "sector", "size_band", "region")
    search_fields = ("name", "registered_number")


@admin.register(NetworkRole)
class NetworkRoleAdmin(admin.ModelAdmin[NetworkRole]):
    """Read and remove only: a role is given through the invitation flow, which the person
    accepts and which refuses anyone inviting themselves; a superuser could otherwise make
    themselves a network admin here and invite themselves in as a chair."""

    list_display = ("user", "role", "network")
    list_filter = ("role", "network")
    list_select_related = ("user", "network")
    raw_id_fields = ("user",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: NetworkRole | None = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: NetworkRole) -> None:
        super().delete_model(request, obj)
        tell_of_change(
            user_id=obj.user_id,
            changed=[f"{obj.get_role_display()} of {obj.network}: taken away"],
            by_id=request.user.pk,
        )
