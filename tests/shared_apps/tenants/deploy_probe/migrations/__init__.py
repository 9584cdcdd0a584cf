"""The apikeys app's real migrations plus two probes, for the deploy tests (MIGRATION_MODULES points here).

This package's path also names the real migrations folder, so Django's loader finds both; the probes
depend on the real app's latest migration, whatever it is by then.
"""

from pathlib import Path

import tenant_apps.apikeys.migrations as _real

REAL_FOLDER = Path(_real.__file__).parent
REAL_LEAF = max(path.stem for path in REAL_FOLDER.glob("[0-9][0-9][0-9][0-9]_*.py"))
__path__ = [*__path__, str(REAL_FOLDER)]
