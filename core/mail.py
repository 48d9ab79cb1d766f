"""Sending an e-mail without ever turning the action that caused it into an error page.

Every e-mail the portal sends goes through `deliver`: a mail server that is down, refuses an
address or times out is logged (with the traceback, for the operator) and reported back as a
failed Delivery, so that the page can tell the user exactly what happened ("sent to …",
"nobody has an address", "could not be sent: tell them directly") while what the user did stays
saved.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.core.mail import EmailMessage

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Delivery:
    """What became of one e-mail: the people it was for (names as the page shows them, in the
    order of `addresses`) and whether the mail server took it."""

    names: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()
    failed: bool = False

    @property
    def sent(self) -> bool:
        return bool(self.addresses) and not self.failed

    @property
    def nobody(self) -> bool:
        """Nobody had an address: nothing was tried."""
        return not self.addresses


NOBODY = Delivery()


def deliver(message: EmailMessage, *, what: str, names: tuple[str, ...] = ()) -> Delivery:
    """Send `message`; `what` names it in the log ("Report returned", "Password link")."""
    addresses = tuple(message.recipients())
    if not addresses:
        return NOBODY
    try:
        message.send()
    except Exception:  # smtplib's errors, OSError, a backend's own: all mean "not sent"
        logger.exception("%s e-mail to %s could not be sent", what, ", ".join(addresses))
        return Delivery(names, addresses, failed=True)
    return Delivery(names, addresses)
