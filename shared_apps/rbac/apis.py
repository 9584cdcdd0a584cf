"""/roles and /users/{user_id}/roles: a tenant's custom roles and who holds which role."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shared_apps.accounts.selectors import member_get
from shared_apps.rbac.principal import current_principal
from shared_apps.tenants.current import request_tenant

from .enums import PermissionCode
from .models import Role, RoleAssignment
from .selectors import assignment_list, role_get, role_list
from .services import role_assign, role_create, role_delete, role_unassign, role_update


class RoleOutputSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    is_system = serializers.BooleanField()
    permissions = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    def get_permissions(self, role: Role) -> list[str]:
        return [p.code for p in role.permissions.all()]


class AssignmentOutputSerializer(serializers.Serializer[Any]):
    role = RoleOutputSerializer()
    expires_at = serializers.DateTimeField(allow_null=True)
    is_expired = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    def get_is_expired(self, assignment: RoleAssignment) -> bool:
        return assignment.expires_at is not None and assignment.expires_at <= self.context["now"]


class UserRolesOutputSerializer(serializers.Serializer[Any]):
    user_id = serializers.UUIDField()
    is_admin = serializers.BooleanField(help_text="A tenant administrator holds every permission.")
    roles = AssignmentOutputSerializer(many=True)


_CODES = serializers.ListField(child=serializers.ChoiceField(choices=PermissionCode.choices), max_length=50)


class RoleListApi(APIView):
    OutputSerializer = RoleOutputSerializer
    response_envelope = "roles"
    response_status = {"POST": 201}
    response_links = {"POST": {"role_id": "id"}}
    required_permission = {"GET": PermissionCode.USERS_READ, "POST": PermissionCode.TENANT_ADMIN}

    class InputSerializer(serializers.Serializer[Any]):
        name = serializers.CharField(min_length=2, max_length=100)
        description = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
        permissions = _CODES

    def get(self, request: Request) -> Response:
        roles = RoleOutputSerializer(role_list(tenant=request_tenant(request)), many=True).data
        return Response({"roles": roles, "total": len(roles)})

    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        role = role_create(
            tenant=request_tenant(request),
            actor=current_principal().user,
            actor_codes=current_principal().permissions,
            **data.validated_data,
        )
        role = role_get(tenant=request_tenant(request), role_id=role.pk)
        return Response(RoleOutputSerializer(role).data, status=status.HTTP_201_CREATED)


class RoleDetailApi(APIView):
    OutputSerializer = RoleOutputSerializer
    response_status = {"DELETE": 204}
    required_permission = {
        "GET": PermissionCode.USERS_READ,
        "PUT": PermissionCode.TENANT_ADMIN,
        "DELETE": PermissionCode.TENANT_ADMIN,
    }

    class InputSerializer(serializers.Serializer[Any]):
        name = serializers.CharField(min_length=2, max_length=100, required=False)
        description = serializers.CharField(max_length=255, required=False, allow_blank=True)
        permissions = serializers.ListField(
            child=serializers.ChoiceField(choices=PermissionCode.choices), max_length=50, required=False
        )

    def get(self, request: Request, role_id: int) -> Response:
        return Response(RoleOutputSerializer(role_get(tenant=request_tenant(request), role_id=role_id)).data)

    def put(self, request: Request, role_id: int) -> Response:
        tenant = request_tenant(request)
        role = role_get(tenant=tenant, role_id=role_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        role_update(
            tenant=tenant,
            role=role,
            actor=current_principal().user,
            actor_codes=current_principal().permissions,
            data=dict(data.validated_data),
        )
        return Response(RoleOutputSerializer(role_get(tenant=tenant, role_id=role_id)).data)

    def delete(self, request: Request, role_id: int) -> Response:
        tenant = request_tenant(request)
        role_delete(
            tenant=tenant,
            role=role_get(tenant=tenant, role_id=role_id),
            actor=current_principal().user,
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class UserRoleListApi(APIView):
    response_status = {"POST": 201}
    required_permission = {"GET": PermissionCode.USERS_READ, "POST": PermissionCode.USERS_ADMIN}

    class InputSerializer(serializers.Serializer[Any]):
        role_id = serializers.IntegerField()
        expires_at = serializers.DateTimeField(required=False, allow_null=True, default=None)

    @extend_schema(responses={200: UserRolesOutputSerializer})
    def get(self, request: Request, user_id: Any) -> Response:
        tenant = request_tenant(request)
        membership = member_get(tenant=tenant, user_id=user_id)
        assignments = assignment_list(tenant=tenant, user_id=membership.user_id).prefetch_related(
            "role__permissions"
        )
        context = {"now": timezone.now()}
        body = AssignmentOutputSerializer(assignments, many=True, context=context).data
        return Response({"user_id": str(membership.user_id), "is_admin": membership.is_admin, "roles": body})

    @extend_schema(responses={201: AssignmentOutputSerializer})
    def post(self, request: Request, user_id: Any) -> Response:
        tenant = request_tenant(request)
        membership = member_get(tenant=tenant, user_id=user_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        assignment = role_assign(
            tenant=tenant,
            membership=membership,
            role=role_get(tenant=tenant, role_id=data.validated_data["role_id"]),
            actor=current_principal().user,
            actor_codes=current_principal().permissions,
            expires_at=data.validated_data["expires_at"],
        )
        body = AssignmentOutputSerializer(assignment, context={"now": timezone.now()}).data
        return Response(body, status=status.HTTP_201_CREATED)


class UserRoleDetailApi(APIView):
    response_status = {"DELETE": 204}
    required_permission = PermissionCode.USERS_ADMIN

    def delete(self, request: Request, user_id: Any, role_id: int) -> Response:
        tenant = request_tenant(request)
        role_unassign(
            tenant=tenant,
            membership=member_get(tenant=tenant, user_id=user_id),
            role=role_get(tenant=tenant, role_id=role_id),
            actor=current_principal().user,
            actor_codes=current_principal().permissions,
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
