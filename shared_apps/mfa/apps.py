from django.apps import AppConfig


class MfaConfig(AppConfig):
    name = "shared_apps.mfa"
    label = "mfa"

    def ready(self) -> None:
        from shared_apps.core.crypto import register_encrypted_field

        # The rotation command (rotate_field_encryption) re-encrypts this column after a key rotation.
        register_encrypted_field("mfa.TOTPDevice", "encrypted_secret")
