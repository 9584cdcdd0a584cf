from django.urls import path

from . import apis

urlpatterns = [
    path("mfa/setup", apis.MfaSetupApi.as_view(), name="mfa-setup"),
    path("mfa/enable", apis.MfaEnableApi.as_view(), name="mfa-enable"),
    path("mfa/disable", apis.MfaDisableApi.as_view(), name="mfa-disable"),
    path("mfa/status", apis.MfaStatusApi.as_view(), name="mfa-status"),
    path("mfa/verify", apis.MfaVerifyApi.as_view(), name="mfa-verify"),
    path("mfa/recovery/verify", apis.MfaRecoveryVerifyApi.as_view(), name="mfa-recovery-verify"),
    path("mfa/recovery/regenerate", apis.MfaRecoveryRegenerateApi.as_view(), name="mfa-recovery-regenerate"),
]
