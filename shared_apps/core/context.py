"""Where the current unit of work comes from, without passing `request` down: the client's address and user
agent, the request id and the principal, in one contextvar.

The request middleware binds it around each request (shared_apps.ops.middleware); authentication adds the
principal once it knows it (shared_apps.rbac.principal); a management command or a background job binds its
own (`job_context`). Services and the audit log read it; nothing below the views takes `request`. Outside
any binding the context is empty: no address, no user agent, no request id, no principal.

The principal is typed `object` here on purpose: core knows nothing of identity, and
shared_apps.rbac.principal.current_principal is the one typed way to read it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace

USER_AGENT_MAX = 512
REQUEST_ID_MAX = 128


@dataclass(frozen=True)
class RequestContext:
    ip: str = ""
    user_agent: str = ""
    request_id: str = ""
    principal: object | None = None


_EMPTY = RequestContext()
_current: ContextVar[RequestContext] = ContextVar("request_context")


def request_context() -> RequestContext:
    return _current.get(_EMPTY)


@contextmanager
def context_bind(*, ip: str = "", user_agent: str = "", request_id: str = "") -> Iterator[RequestContext]:
    """The context of one request or job, for the duration of the block (a principal set inside it goes
    with it when the block ends)."""
    context = RequestContext(
        ip=ip, user_agent=user_agent[:USER_AGENT_MAX], request_id=request_id[:REQUEST_ID_MAX]
    )
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)


@contextmanager
def job_context(name: str) -> Iterator[RequestContext]:
    """The context of a command or background job: its name as the user agent and a fresh request id, so
    that its audit rows and log lines are told apart from any request's."""
    with context_bind(user_agent=name, request_id=f"{name}-{uuid.uuid4().hex}") as context:
        yield context


def context_principal_set(principal: object | None) -> None:
    """Attach the principal to the bound context (undone with it at the end of the request or job)."""
    _current.set(replace(request_context(), principal=principal))
