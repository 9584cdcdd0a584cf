"""The pair GDPR calls: export tells everything but secrets; delete removes every MFA row."""

from __future__ import annotations

import json

import pytest
from django.core.serializers.json import DjangoJSONEncoder

from shared_apps.accounts.models import Membership
from shared_apps.mfa.models import RecoveryCode, TOTPDevice
from shared_apps.mfa.services import mfa_delete_for_user, mfa_export_for_user
from tests.factories.mfa import give_mfa

pytestmark = pytest.mark.django_db


def test_export_has_status_and_counts_never_secrets(member_a: Membership) -> None:
    kit = give_mfa(member_a.user)
    RecoveryCode.objects.filter(user=member_a.user).first().delete()  # type: ignore[union-attr]
    export = mfa_export_for_user(member_a.user)
    assert export["status"]["enabled"] is True
    assert export["devices"][0]["type"] == "totp"
    assert export["recovery_codes"] == {"total": 9, "remaining": 9, "used": 0}
    text = json.dumps(export, cls=DjangoJSONEncoder)
    device = TOTPDevice.objects.get(user=member_a.user)
    for secret in [kit.secret, device.encrypted_secret, *kit.recovery_codes]:
        assert secret not in text
    assert "code_hash" not in text


def test_delete_removes_device_and_codes(member_a: Membership) -> None:
    give_mfa(member_a.user)
    mfa_delete_for_user(member_a.user)
    assert not TOTPDevice.objects.filter(user=member_a.user).exists()
    assert not RecoveryCode.objects.filter(user=member_a.user).exists()
    assert mfa_export_for_user(member_a.user)["devices"] == []
