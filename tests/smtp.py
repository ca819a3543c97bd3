"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, for email tests.

The app only writes emails to its outbox; `flask mail deliver` sends them. Reading `messages` or `bodies_to`
first runs that delivery (the worker beside gunicorn would have by then), so tests see what really went through
SMTP; `received` is the mailbox as it stands, without delivering.
"""

from __future__ import annotations

import email
import socket

import pytest
from aiosmtpd.controller import Controller


class _Mailbox:
    def __init__(self):
        self.messages: list[email.message.Message] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SMTPServer:
    def __init__(self, app=None):
        self.mailbox = _Mailbox()
        self.port = _free_port()
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self.app = app

    def deliver(self):
        """Run the outbox worker once (as `flask mail deliver` does); its report."""
        from flask import has_app_context

        from app.notifications.outbox import deliver_pending

        if has_app_context():  # the test's own context, so its database session (and transaction) is used
            return deliver_pending()
        with self.app.app_context():
            return deliver_pending()

    @property
    def received(self) -> list[email.message.Message]:
        return self.mailbox.messages

    @property
    def messages(self) -> list[email.message.Message]:
        if self.app is not None:
            self.deliver()
        return self.mailbox.messages

    def bodies_to(self, address: str) -> list[str]:
        return [m.get_payload(decode=True).decode() for m in self.messages if m["To"] == address]

    def clear(self):
        self.mailbox.messages.clear()


@pytest.fixture
def smtp_server(app, db):
    """Starts a loopback SMTP server and points the app's MAIL_SERVER at it for the test."""
    server = SMTPServer(app)
    server.controller.start()
    old = (app.config.get("MAIL_SERVER"), app.config.get("MAIL_PORT"))
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port)
    try:
        yield server
    finally:
        app.config.update(MAIL_SERVER=old[0], MAIL_PORT=old[1])
        server.controller.stop()


@pytest.fixture
def smtp_down(app):
    """Points MAIL_SERVER at a closed loopback port: every send fails."""
    old = (app.config.get("MAIL_SERVER"), app.config.get("MAIL_PORT"))
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=_free_port())
    try:
        yield
    finally:
        app.config.update(MAIL_SERVER=old[0], MAIL_PORT=old[1])
