"""Fixtures of the analytics tests: the stock tests' (METRO sample imported at tenant A, members with
tokens), and the sales side (an importer, readers, the real SumUp export)."""

from tests.factories.accounts import no_ratelimit  # noqa: F401
from tests.factories.sales import admin_b, import_at, reader_a  # noqa: F401
from tests.sumup_etl.conftest import builder, real_export, real_export_path  # noqa: F401
from tests.tenant_apps.stock.conftest import (  # noqa: F401
    _clean_limiter_state,
    _parse_once_per_session,
    all_imported,
    manager_api_a,
    member_api_a,
)
