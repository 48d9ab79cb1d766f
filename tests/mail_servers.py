"""E-mail backends for tests: a mail server that does not answer."""

import smtplib


class UnreachableMailServer:
    """An e-mail backend whose server does not answer."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("no answer")
