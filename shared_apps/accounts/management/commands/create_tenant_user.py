from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import CommandParser

from shared_apps.accounts.models import User
from shared_apps.accounts.services import member_create, membership_grant
from shared_apps.core.commands import ServiceCommand
from shared_apps.core.exceptions import ValidationFailed
from shared_apps.tenants.selectors import tenant_get_by_slug


class Command(ServiceCommand):
    help = (
        "Create a user who is a member of a tenant (or add an existing user to it). The password is read "
        "from standard input, never from the command line, where other users could read it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tenant", required=True, help="tenant slug")
        parser.add_argument("--email", required=True)
        parser.add_argument(
            "--admin", action="store_true", help="make the user an administrator of the tenant"
        )
        parser.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--verified", action="store_true", help="mark the email as verified")

    def run(self, *args: Any, **options: Any) -> None:
        tenant = tenant_get_by_slug(slug=options["tenant"])
        existing = User.objects.filter(email__lower=options["email"].strip().lower()).first()
        if existing is not None:
            membership_grant(tenant=tenant, user=existing, is_admin=options["admin"])
            self.stdout.write(f"added {existing.email} to {tenant.slug} (admin={options['admin']})")
            return
        if not options["password_stdin"]:
            raise ValidationFailed("a new user needs --password-stdin", code="password_required")
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise ValidationFailed("no password on standard input", code="password_required")
        membership = member_create(
            tenant=tenant,
            email=options["email"],
            password=password,
            first_name=options["first_name"],
            last_name=options["last_name"],
            is_verified=options["verified"],
            is_admin=options["admin"],
        )
        self.stdout.write(
            f"created {membership.user.email} at {tenant.slug} "
            f"(admin={options['admin']}, id {membership.user.pk})"
        )
