"""The outbox's speed: queueing 5,000 messages in one transaction, then delivering them all
as .eml files (the embedded default), or through a local SMTP server with --smtp (aiosmtpd,
the test extras).

A campaign queues its messages in the transaction that starts it (SPEC section 11), so
"queueing" is rendering each template in the recipient's language and storing the rows,
commit included; "delivery" is what the job that drains the outbox does after the commit.
Queued with `mail.queue_many` (what a campaign does: one language at a time, one INSERT per
500 rows); `--one-by-one` calls `mail.queue` for each message instead (a password reset's way).
Run alone: `python benchmarks/mail.py [--count 5000] [--smtp] [--one-by-one]`.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from directory import create_app  # noqa: E402
from directory.services import commit, mail, schema  # noqa: E402

LOCALES = ("en", "fr", "ar")


def run(count: int, smtp: bool, one_by_one: bool = False) -> dict[str, float]:
    folder = Path(tempfile.mkdtemp(prefix="counterpart-mail-bench-"))
    config = {"DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
              "INDEX_DIR": str(folder / "index"), "SECRET_KEY": "benchmark",
              "MAIL_DIR": str(folder / "outbox"), "JOBS_FILE": str(folder / "jobs.sqlite3"),
              "JOBS_EMBEDDED": False, "TESTING": True}
    server = None
    if smtp:
        from aiosmtpd.controller import Controller

        class Sink:
            received = 0

            async def handle_DATA(self, server, session, envelope):  # noqa: ARG002
                Sink.received += 1
                return "250 OK"

        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = Controller(Sink(), hostname="127.0.0.1", port=port)
        server.start()
        config["SMTP_URL"] = f"smtp://127.0.0.1:{port}"
    app = create_app(config)
    with app.app_context():
        schema.init_db()
        started = time.perf_counter()
        if one_by_one:
            for number in range(count):
                mail.queue(f"person{number}@prosecution.example", "test", {},
                           LOCALES[number % len(LOCALES)])
        else:
            mail.queue_many(mail.Message(f"person{number}@prosecution.example", "test", {},
                                         LOCALES[number % len(LOCALES)])
                            for number in range(count))
        commit()  # hands one delivery task to the (unconsumed) queue
        queued = time.perf_counter()
        outcome = mail.deliver_due()
        delivered = time.perf_counter()
    if server is not None:
        server.stop()
    written = len(list((folder / "outbox").glob("*.eml"))) if not smtp else outcome["sent"]
    assert outcome["sent"] == count == written, (outcome, written)
    return {"queue": queued - started, "deliver": delivered - queued,
            "total": delivered - started}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--smtp", action="store_true", help="through a local SMTP server")
    parser.add_argument("--one-by-one", action="store_true",
                        help="mail.queue for each message instead of one mail.queue_many")
    args = parser.parse_args()
    figures = run(args.count, args.smtp, args.one_by_one)
    how = "through local SMTP (aiosmtpd)" if args.smtp else "as .eml files"
    print(f"{args.count:,} messages {how}:")
    print(f"  queueing (render en/fr/ar + store, one commit): {figures['queue']:6.1f} s "
          f"({figures['queue'] / args.count * 1000:.2f} ms a message)")
    print(f"  delivery (claim, write, record):                {figures['deliver']:6.1f} s "
          f"({args.count / figures['deliver']:,.0f} messages/s)")
    print(f"  total:                                          {figures['total']:6.1f} s")


if __name__ == "__main__":
    main()
