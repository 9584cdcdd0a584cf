"""Every mail leaves through a background task (django-tasks) that retries a failing mail server later.

A request only queues the mail (`mail_enqueue`), so no request fails, waits or answers differently because
of the mail server; the task retries with a doubling delay (MAIL_RETRY_SECONDS, MAIL_MAX_ATTEMPTS) and logs
the mail it gives up on. These mails touch no tenant data, so the task carries no tenant.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django_tasks import task, task_backends

logger = logging.getLogger(__name__)


@task()
def mail_send(*, subject: str, message: str, to: list[str], attempt: int = 1) -> bool:
    """Send one mail; on a mail-server failure, queue the next attempt. True once sent."""
    try:
        send_mail(subject=subject, message=message, from_email=None, recipient_list=to)
    except (smtplib.SMTPException, OSError) as error:
        if attempt >= settings.MAIL_MAX_ATTEMPTS:
            logger.error("mail %r given up after %d attempts: %s", subject, attempt, type(error).__name__)
            return False
        logger.warning(
            "mail %r failed (attempt %d: %s), retried later", subject, attempt, type(error).__name__
        )
        _enqueue(subject=subject, message=message, to=to, attempt=attempt + 1)
        return False
    return True


def _enqueue(*, subject: str, message: str, to: list[str], attempt: int) -> None:
    job = mail_send
    if attempt > 1 and task_backends[job.backend].supports_defer:
        delay = settings.MAIL_RETRY_SECONDS * 2 ** (attempt - 2)
        job = job.using(run_after=timezone.now() + timedelta(seconds=delay))
    job.enqueue(subject=subject, message=message, to=to, attempt=attempt)


def mail_enqueue(*, subject: str, message: str, to: list[str]) -> None:
    """Queue a mail for the background worker. Never raises: a mail that cannot even be queued is logged."""
    try:
        _enqueue(subject=subject, message=message, to=list(to), attempt=1)
    except Exception:
        logger.exception("could not queue mail %r", subject)
