"""The `sessions` endpoints: a member lists and ends their own sessions at this tenant, nobody else's."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.utils import timezone
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shared_apps.core.exceptions import NotFound
from shared_apps.rbac.enums import PermissionCode
from shared_apps.rbac.principal import current_principal
from shared_apps.tenants.current import request_tenant

from .enums import RevokeReason
from .models import UserSession
from .selectors import session_get_for_user, session_list_for_user
from .services import sessions_revoke


class SessionOutputSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    user_id = serializers.UUIDField()
    tenant_id = serializers.SerializerMethodField()
    ip_address = serializers.CharField(source="ip", allow_null=True)
    user_agent = serializers.CharField()
    is_active = serializers.SerializerMethodField()
    last_seen_at = serializers.DateTimeField()
    device_type = serializers.CharField()
    browser = serializers.CharField()
    os = serializers.CharField()
    is_current = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField(source="absolute_expires_at")

    def get_tenant_id(self, session: UserSession) -> str:
        return str(self.context["tenant"].slug)

    def get_is_active(self, session: UserSession) -> bool:
        return session.is_alive(self.context["now"])

    def get_is_current(self, session: UserSession) -> bool:
        return bool(session.pk == self.context["current"])


class TerminatedOutputSerializer(serializers.Serializer[Any]):
    terminated_count = serializers.IntegerField()
    message = serializers.CharField()


def _context(request: Request) -> dict[str, Any]:
    return {
        "tenant": request_tenant(request),
        "now": timezone.now(),
        # An API key has no session of its own: then no session is the current one.
        "current": current_principal().session_id,
    }


def _terminated(count: int) -> Response:
    return Response({"terminated_count": count, "message": f"{count} session(s) fermée(s)."})


class SessionListApi(APIView):
    OutputSerializer = SessionOutputSerializer
    response_envelope = "sessions"
    required_permission = {"GET": PermissionCode.SESSIONS_READ, "DELETE": PermissionCode.SESSIONS_WRITE}

    class FilterSerializer(serializers.Serializer[Any]):
        include_inactive = serializers.BooleanField(default=False)

    DeleteOutputSerializer = TerminatedOutputSerializer

    class DeleteSerializer(serializers.Serializer[Any]):
        session_ids = serializers.ListField(child=serializers.UUIDField(), required=False, max_length=100)
        terminate_all = serializers.BooleanField(default=False)

    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        context = _context(request)
        sessions = session_list_for_user(
            user_id=current_principal().user.pk,
            include_inactive=filters.validated_data["include_inactive"],
            now=context["now"],
        )
        data = SessionOutputSerializer(sessions, many=True, context=context).data
        active = sum(1 for session in sessions if session.is_alive(context["now"]))
        return Response({"sessions": data, "total": len(sessions), "active_count": active})

    def delete(self, request: Request) -> Response:
        data = self.DeleteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        principal = current_principal()
        # terminate_all ends every session; listed ids end those (only the caller's match: another user's
        # id ends nothing); no body ends every other session ("sign out other devices").
        ids = None if data.validated_data["terminate_all"] else data.validated_data.get("session_ids")
        spare = principal.session_id if ids is None and not data.validated_data["terminate_all"] else None
        count = sessions_revoke(
            user_id=principal.user.pk,
            reason=RevokeReason.TERMINATED,
            session_ids=ids,
            except_session_id=spare,
        )
        return _terminated(count)


class SessionDetailApi(APIView):
    OutputSerializer = SessionOutputSerializer
    DeleteOutputSerializer = TerminatedOutputSerializer
    required_permission = {"GET": PermissionCode.SESSIONS_READ, "DELETE": PermissionCode.SESSIONS_WRITE}

    def _get(self, request: Request, session_id: UUID) -> UserSession:
        session = session_get_for_user(user_id=current_principal().user.pk, session_id=session_id)
        if session is None:
            raise NotFound("Session introuvable.", code="session_not_found")
        return session

    def get(self, request: Request, session_id: UUID) -> Response:
        session = self._get(request, session_id)
        return Response(SessionOutputSerializer(session, context=_context(request)).data)

    def delete(self, request: Request, session_id: UUID) -> Response:
        session = self._get(request, session_id)
        count = sessions_revoke(
            user_id=session.user_id, reason=RevokeReason.TERMINATED, session_ids=[session.pk]
        )
        return _terminated(count)
