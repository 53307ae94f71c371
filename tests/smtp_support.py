"""A real SMTP server (aiosmtpd) that a test starts: what it received, and what it answers.

Importable as `smtp_support` from any test module; the `smtp_server` fixture (tests/conftest.py)
starts one per test.
"""

from __future__ import annotations

import threading
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller
from support import free_port


class Mailbox:
    """What the server received, and what it answers: `refuse` holds the replies to give to
    the next DATA commands (e.g. "451 4.3.0 Try again later"), one each, before accepting."""

    def __init__(self):
        self.messages = []
        self.refuse: list[str] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: ARG002 - aiosmtpd passes them
        with self.lock:
            if self.refuse:
                return self.refuse.pop(0)
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.mailbox = Mailbox()
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    @property
    def messages(self):
        return self.mailbox.messages

    def start(self) -> SmtpServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()
