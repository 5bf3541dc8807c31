"""Encrypt the two-factor secrets stored before they were encrypted at rest (PEERPOWER_MFA_KEY).

Reversible: going back decrypts them to plain text again.
"""

from django.db import migrations

from peerpower.accounts.adapter import fernet
from peerpower.accounts.mfa import SECRET_FIELDS, SECRET_LISTS, reencrypt_data


def encrypt(apps, schema_editor):
    Authenticator = apps.get_model("mfa", "Authenticator")
    for authenticator in Authenticator.objects.exclude(type="webauthn"):
        authenticator.data = reencrypt_data(authenticator.type, authenticator.data, True)
        authenticator.save(update_fields=["data"])


def decrypt(apps, schema_editor):
    Authenticator = apps.get_model("mfa", "Authenticator")
    f = fernet()
    for authenticator in Authenticator.objects.exclude(type="webauthn"):
        data = dict(authenticator.data)
        for field in SECRET_FIELDS.get(authenticator.type, ()):
            if isinstance(data.get(field), str):
                data[field] = f.decrypt(data[field].encode()).decode()
        for field in SECRET_LISTS.get(authenticator.type, ()):
            if isinstance(data.get(field), list):
                data[field] = [f.decrypt(v.encode()).decode() for v in data[field]]
        authenticator.data = data
        authenticator.save(update_fields=["data"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_invitation_replaces_chair"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(encrypt, decrypt)]
