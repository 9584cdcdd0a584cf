"""The migrations every tenant schema must have recorded, in Django's order, loaded once per run.

A tenant schema records every migration of the project, the shared apps' too (django-tenants' router makes
their operations no-ops there, and Django records them all the same), so the list is the whole graph.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from django.db.migrations import operations as ops
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.migration import Migration
from django.db.migrations.state import ProjectState

MigrationKey = tuple[str, str]

# Operations whose whole effect on the database goes through the schema editor's execute(): what they ran
# in one schema can be replayed as SQL in an identical one. Anything else (RunPython, third-party
# operations) runs through Django in every schema.
_SQL_ONLY_MODULES = ("django.db.migrations.operations.", "django.contrib.postgres.operations")
# Operations after which Django's post_migrate handlers have something to do (content types).
_MODEL_SET_CHANGES = (ops.CreateModel, ops.DeleteModel, ops.RenameModel)


def _reduces_to_sql(operation: ops.base.Operation) -> bool:
    if isinstance(operation, ops.SeparateDatabaseAndState):
        return all(_reduces_to_sql(inner) for inner in operation.database_operations)
    module = type(operation).__module__ + "."
    return bool(operation.reduces_to_sql) and module.startswith(_SQL_ONLY_MODULES)


def _changes_models(operation: ops.base.Operation) -> bool:
    if isinstance(operation, ops.SeparateDatabaseAndState):
        return any(_changes_models(inner) for inner in operation.state_operations)
    return isinstance(operation, _MODEL_SET_CHANGES)


def label(key: MigrationKey) -> str:
    return f"{key[0]}.{key[1]}"


@dataclass
class TenantPlan:
    loader: MigrationLoader
    order: tuple[MigrationKey, ...]
    _states: dict[MigrationKey, ProjectState] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def migration(self, key: MigrationKey) -> Migration:
        found: Migration = self.loader.graph.nodes[key]
        return found

    def missing(self, recorded: set[MigrationKey]) -> tuple[MigrationKey, ...]:
        """What a schema that recorded `recorded` still needs, in order. A squashed migration counts as
        applied when it or every migration it replaces is recorded."""
        missing = []
        for key in self.order:
            if key in recorded:
                continue
            replaces = self.migration(key).replaces
            if replaces and all(tuple(old) in recorded for old in replaces):
                continue
            missing.append(key)
        return tuple(missing)

    def replayable(self, key: MigrationKey) -> bool:
        return all(_reduces_to_sql(operation) for operation in self.migration(key).operations)

    def changes_models(self, key: MigrationKey) -> bool:
        return any(_changes_models(operation) for operation in self.migration(key).operations)

    def state_before(self, key: MigrationKey) -> ProjectState:
        """A fresh copy of the project state just before `key` (rendered once, cloned per use: apply()
        mutates the state it is given)."""
        with self._lock:
            state = self._states.get(key)
            if state is None:
                state = self.loader.project_state(key, at_end=False)
                _ = state.apps  # render the models once, not once per schema
                self._states[key] = state
            return state.clone()


def tenant_plan() -> TenantPlan:
    """Every migration of the project in the order `migrate` would apply them to an empty schema."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    graph = loader.graph
    order: list[MigrationKey] = []
    seen: set[MigrationKey] = set()
    for leaf in graph.leaf_nodes():
        for key in graph.forwards_plan(leaf):
            if key not in seen:
                seen.add(key)
                order.append(key)
    return TenantPlan(loader=loader, order=tuple(order))
