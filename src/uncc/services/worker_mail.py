"""The worker's mail job: notifications mailed through SMTP when the node is set up for it."""

from __future__ import annotations

import logging
import smtplib

from uncc.services import notifications
from uncc.services.context import NodeContext
from uncc.services.worker import Job

log = logging.getLogger("uncc.worker")


def mail_jobs(smtp: notifications.Smtp | None, ctx: NodeContext, every: float) -> list[Job]:
    """The mail job, when SMTP is set up (a refused or unreachable server is retried)."""
    if smtp is None:
        return []

    def mail() -> bool:
        try:
            sent = notifications.mail_pending(ctx, smtp)
        except (OSError, smtplib.SMTPException) as exc:
            log.warning("mail: %s (%s:%d), will retry", exc, smtp.host, smtp.port)
            return False
        if sent:
            log.info("mail: %d notification(s) sent", sent)
        return False

    return [Job("mail", max(every, 5.0), mail, exclusive=True)]
