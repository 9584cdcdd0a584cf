"""The FEC as an HTTP download, for the API and the site alike: SIREN checked and the export audited
before the first byte, then the file streamed (a busy year is never one string in memory)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any, cast

from django.db import connection
from django.http import StreamingHttpResponse
from django_tenants.utils import schema_context

from shared_apps.tenants.models import Tenant
from tenant_apps.sales.services import current_time_zone

from . import fec
from .selectors import company_siren_required, fec_stream
from .services import fec_export_record


def fec_download(
    *, tenant: Tenant, actor: Any, start: date, end: date, numbered_from: date | None = None
) -> StreamingHttpResponse:
    siren = company_siren_required(tenant=tenant)
    fec_export_record(tenant=tenant, actor=actor, start=start, end=end)
    schema, zone = str(cast(Any, connection).schema_name), current_time_zone()

    def content() -> Iterator[bytes]:
        # Read after the view has returned: the tenant's schema is pinned for the whole file.
        with schema_context(schema):
            yield from fec_stream(start=start, end=end, zone=zone, numbered_from=numbered_from)

    response = StreamingHttpResponse(content(), content_type=f"text/plain; charset={fec.ENCODING}")
    response["Content-Disposition"] = f'attachment; filename="{fec.file_name(siren=siren, closing=end)}"'
    return response
