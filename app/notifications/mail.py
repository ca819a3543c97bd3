"""Plain SMTP email. Raises MailError when the server cannot take the message, so callers can retry later."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from flask import current_app


class MailError(Exception):
    pass


def send_email(to: str, subject: str, body: str) -> None:
    cfg = current_app.config
    if not cfg.get("MAIL_SERVER"):
        raise MailError("MAIL_SERVER is not configured, so no email can be sent")
    message = EmailMessage()
    message["From"] = cfg["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    try:
        with smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=cfg.get("MAIL_TIMEOUT", 10)) as smtp:
            if cfg.get("MAIL_USE_TLS"):
                smtp.starttls()
            if cfg.get("MAIL_USERNAME"):
                smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"])
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(f"Could not send email to {to}: {exc}") from exc
