"""Every model that holds personal data is covered by a GDPR source (export, erasure, anonymisation).

"Personal" is found, not listed: a link to a user (foreign key, one-to-one, many-to-many), or a field named
like an e-mail, phone or IP address, or an IP field. A new model of that kind without a source fails here.
"""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.db import models

from shared_apps.gdpr.sources import all_sources

PERSONAL_NAMES = {"email", "phone", "ip", "ip_address", "user_agent"}
# Models whose link to a user is not personal data about that user (with the reason).
NOT_PERSONAL: dict[str, str] = {}


def _personal_fields(model: type[models.Model]) -> list[str]:
    found = []
    for field in model._meta.get_fields(include_hidden=False):
        if not (field.concrete or (field.many_to_many and not field.auto_created)):
            continue
        related = getattr(field, "related_model", None)
        if (related is not None and related._meta.label == settings.AUTH_USER_MODEL) or (
            field.name in PERSONAL_NAMES
            or field.name.endswith(("_email", "_ip", "_phone"))
            or isinstance(field, models.GenericIPAddressField)
        ):
            found.append(field.name)
    return found


def _personal_models() -> dict[str, list[str]]:
    return {
        m._meta.label: fields
        for m in apps.get_models(include_auto_created=True)
        if (fields := _personal_fields(m)) and m._meta.label not in NOT_PERSONAL
    }


def test_every_model_with_personal_data_has_a_gdpr_source() -> None:
    covered = {label for source in all_sources() for label in source.models}
    missing = {label: f for label, f in _personal_models().items() if label not in covered}
    assert missing == {}, f"add a GDPR source (export + erase) for {missing}"


def test_sources_name_only_real_models() -> None:
    labels = {m._meta.label for m in apps.get_models(include_auto_created=True)}
    stale = [label for s in all_sources() for label in s.models if label not in labels]
    assert stale == []


def test_the_detector_sees_the_known_personal_models() -> None:
    found = _personal_models()
    for label in ("accounts.User", "user_sessions.UserSession", "apikeys.ApiKey", "mfa.RecoveryCode"):
        assert label in found
