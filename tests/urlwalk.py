"""Walks a URLconf into concrete, requestable paths: the basis of the every-URL tests (headers, isolation)."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

SAMPLE_VALUES = {
    "int": "1",
    "uuid": str(uuid.UUID(int=1)),
    "slug": "sample",
    "str": "sample",
    "path": "sample",
}
_CONVERTER = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")


@dataclass(frozen=True)
class Route:
    name: str  # namespaced URL name, e.g. "api:info"
    template: str  # e.g. "/api/v1/sessions/<uuid:session_id>"

    def sample_path(self, **values: str) -> str:
        def fill(match: re.Match[str]) -> str:
            return values.get(match["name"], SAMPLE_VALUES[match["conv"] or "str"])

        return _CONVERTER.sub(fill, self.template)


def routes(urlconf: str) -> list[Route]:
    found: list[Route] = []

    def walk(patterns: list[URLPattern | URLResolver], prefix: str, namespace: str) -> None:
        for pattern in patterns:
            route = str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, prefix + route, ns)
            elif pattern.name and not route.startswith("^"):
                found.append(Route(name=f"{namespace}{pattern.name}", template="/" + prefix + route))

    walk(get_resolver(urlconf).url_patterns, "", "")
    return found
