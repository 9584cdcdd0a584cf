"""The TOTP secret is ciphertext in the database, and survives a key rotation with the command."""

from __future__ import annotations

import base64
from io import StringIO
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection
from django.test import Client

from shared_apps.accounts.models import Membership
from shared_apps.core import crypto
from shared_apps.mfa.models import TOTPDevice
from tests.factories.accounts import bearer, login
from tests.factories.mfa import code_for, give_mfa, post

pytestmark = pytest.mark.django_db
K1, K2 = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def _raw_column(user_id: Any) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT encrypted_secret FROM public.mfa_totpdevice WHERE user_id = %s", [user_id])
        return str(cursor.fetchone()[0])


def test_the_column_holds_ciphertext_not_the_secret(client_a: Client, member_a: Membership) -> None:
    headers = bearer(login(client_a, member_a.user.email))
    secret = post(client_a, "/api/v1/mfa/setup", {}, **headers).json()["secret"]
    raw = _raw_column(member_a.user.pk)
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    for form in (secret, secret.lower(), key.hex(), base64.b64encode(key).decode()):
        assert form not in raw
    assert crypto.decrypt(raw) == secret


def test_rotation_command_reencrypts_with_the_new_key(member_a: Membership, settings: Any) -> None:
    settings.FIELD_ENCRYPTION_KEYS = [K1]
    kit = give_mfa(member_a.user)
    before = _raw_column(member_a.user.pk)
    settings.FIELD_ENCRYPTION_KEYS = [K2, K1]  # new key first, old one kept: still readable
    assert TOTPDevice.objects.get(user=member_a.user).secret == kit.secret
    out = StringIO()
    call_command("rotate_field_encryption", stdout=out)
    assert "mfa.TOTPDevice.encrypted_secret\t" in out.getvalue()
    after = _raw_column(member_a.user.pk)
    assert after != before
    settings.FIELD_ENCRYPTION_KEYS = [K2]  # the old key is gone: the rotated value still decrypts
    device = TOTPDevice.objects.get(user=member_a.user)
    assert device.secret == kit.secret
    assert device.match(code_for(kit.secret)).step is not None


def test_rotation_refuses_when_a_value_has_no_key(member_a: Membership, settings: Any) -> None:
    settings.FIELD_ENCRYPTION_KEYS = [K1]
    give_mfa(member_a.user)
    settings.FIELD_ENCRYPTION_KEYS = [K2]
    err = StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("rotate_field_encryption", stderr=err)
    assert exited.value.code == 2
    assert "undecryptable_value" in err.getvalue()
