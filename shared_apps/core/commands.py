"""What every management command shares: a domain error becomes one line on stderr and exit status 2."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand

from .context import job_context
from .exceptions import ApplicationError


class ServiceCommand(BaseCommand):
    """A thin command: parse arguments, call one service in `run`; domain errors exit 2 with one line."""

    def run(self, *args: Any, **options: Any) -> None:
        raise NotImplementedError

    def handle(self, *args: Any, **options: Any) -> None:
        # The command's own request context: its audit rows and log lines carry its name and a request id.
        name = type(self).__module__.rsplit(".", 1)[-1]
        try:
            with job_context(f"manage.py {name}"):
                self.run(*args, **options)
        except ApplicationError as error:
            self.stderr.write(f"error: {error.message} [{error.code}]")
            sys.exit(2)
