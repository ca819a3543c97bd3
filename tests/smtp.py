"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, for email tests."""
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
    def __init__(self):
        self.mailbox = _Mailbox()
        self.port = _free_port()
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)

    @property
    def messages(self):
        return self.mailbox.messages

    def bodies_to(self, address: str) -> list[str]:
        return [m.get_payload(decode=True).decode() for m in self.messages if m["To"] == address]

    def clear(self):
        self.mailbox.messages.clear()


@pytest.fixture
def smtp_server(app):
    """Starts a loopback SMTP server and points the app's MAIL_SERVER at it for the test."""
    server = SMTPServer()
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
