from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from peerpower.accounts.models import Invitation, User


@admin.register(User)
# The stubs want an AbstractUser; ours is AbstractBaseUser + PermissionsMixin (no username).
class UserAdmin(BaseUserAdmin[User]):  # type: ignore[type-var]
    ordering = ("email",)
    list_display = ("email", "name", "is_active", "is_staff", "date_joined")
    search_fields = ("email", "name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("name", "time_zone", "remind_week_before", "remind_day_before")}),
        (
            "Access",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "name", "password1", "password2")}),
    )
    readonly_fields = ("last_login", "date_joined")


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin[Invitation]):
    list_display = ("user", "role", "network", "group", "created_at", "expires_at", "accepted_at")
    list_filter = ("role", "network")
    list_select_related = ("user", "network", "group")
    readonly_fields = ("token_hash",)
    raw_id_fields = ("user", "invited_by", "group")
