"""People and invitations in the Django admin, for staff corrections only.

Nothing here can log in as someone else: a person's email address and password change only
through their own flows (allauth's email and password pages, a password reset), so the admin
shows both read-only and has no "change password" page. allauth's authenticator admin is not
registered (it would show each authenticator's data), and email addresses are read-only.
Whenever the admin changes anything on a person's account, they are told by email.
"""

from typing import Any, TypeVar

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Model
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern

from peerpower.accounts import tasks
from peerpower.accounts.models import Invitation, User

# allauth registers these; here they would show two-factor data or let an admin give someone's
# account a new address (and so a password reset of their own).
for model in (Authenticator, EmailAddress):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


_M = TypeVar("_M", bound=Model)


def tell_of_change(*, user_id: int, changed: list[str], by_id: int | None) -> None:
    """Email the person that an admin changed their account (after the change is saved)."""
    transaction.on_commit(
        lambda: tasks.send_account_changed(user_id=user_id, changed=changed, by_id=by_id)
    )


class ReadOnlyAdmin(admin.ModelAdmin[_M]):
    """For looking things up: no adding, changing or deleting here."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(EmailAddress)
class EmailAddressAdmin(ReadOnlyAdmin[EmailAddress]):
    list_display = ("email", "user", "primary", "verified")
    list_filter = ("primary", "verified")
    search_fields = ("email",)


@admin.register(User)
class UserAdmin(BaseUserAdmin):  # type: ignore[type-arg]  # django-stubs: UserAdmin is generic
    ordering = ("email",)
    list_display = ("email", "name", "is_active", "is_staff", "date_joined")
    search_fields = ("email", "name")
    fieldsets = (
        (None, {"fields": ("email", "password_note")}),
        (
            "Profile",
            {
                "fields": (
                    "name",
                    "time_zone",
                    "remind_week_before",
                    "remind_day_before",
                    "remind_coaching_day_before",
                    "remind_coaching_hour_before",
                )
            },
        ),
        (
            "Access",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ("email", "password_note", "last_login", "date_joined")

    @admin.display(description="Password")
    def password_note(self, obj: User) -> str:
        return (
            "Set by the person. To change it, they use “Forgot your password?” on the log-in "
            "page; nobody else can set it."
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # people arrive by invitation (or `createsuperuser`), choosing a password

    def get_urls(self) -> list[URLPattern]:
        # No page that sets someone else's password.
        return [
            u for u in super().get_urls() if getattr(u, "name", "") != "auth_user_password_change"
        ]

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        raise PermissionDenied("Passwords are set only by their owner.")

    def save_model(
        self, request: HttpRequest, obj: User, form: ModelForm[User], change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        if change and form.changed_data:
            labels = [str(form.fields[f].label or f) for f in form.changed_data if f in form.fields]
            tell_of_change(user_id=obj.pk, changed=labels, by_id=request.user.pk)


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin[Invitation]):
    """Invitations are sent, withdrawn and accepted on the site's pages, whose actions check who
    may; here they are only looked up."""

    list_display = ("user", "role", "network", "group", "created_at", "expires_at", "accepted_at")
    list_filter = ("role", "network")
    list_select_related = ("user", "network", "group")
    exclude = ("token_hash",)
