"""Campaign benchmark (issue 11, Speed): a verification campaign to 5,000 entries.

    .venv/bin/python benchmarks/campaign.py              # 5,000 entries
    .venv/bin/python benchmarks/campaign.py --entries N
    .venv/bin/python benchmarks/campaign.py --in-process   # fan-out and delivery alone, CPU too

A throw-away instance gets N invented entries in EMJ (all with an e-mail, languages mixed so
that the mails come in English, French and Arabic), then `counterpart campaign --network emj`
runs in a process of its own while gunicorn (2 workers) serves the campaign's page to a signed-in
administrator, asked again and again. Printed: when every message was in the outbox (queued),
when every .eml file was written (the embedded default, COUNTERPART_MAIL_DIR), and the page's
response times meanwhile.

With --in-process, the fan-out (links made, messages rendered and put in the outbox) and then
the delivery (.eml files) run one after the other in this process, with their wall and CPU
times: on a shared machine the CPU time says what the work costs, the wall time what the
neighbours left of the two cores.

Targets: queued < 10 s; page < 300 ms meanwhile; all messages written < 60 s.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import BIN, ROOT, Browser, Instance, report

LANGUAGES = [["ar"], ["fr"], ["en"], ["es", "fr"], ["ar", "fr"], ["de"]]


def fill(instance: Instance, count: int) -> None:
    """`count` invented entries in EMJ, through the entries' write path, in one process."""
    script = f"""
import random
from directory import create_app
from directory.services import commit
from directory.services.contact_writes import EntryWrite, write_entries
app = create_app()
rng = random.Random(11)
languages = {LANGUAGES!r}
with app.app_context():
    writes = [EntryWrite(None, {{
        "given_name": (None, "Given{{}}".format(n)), "family_name": (None, "Family{{}}".format(n)),
        "country": (None, rng.choice(["MA", "TN", "FR", "ES", "EG"])),
        "emails": (None, ["person{{}}@bench.example".format(n)]),
        "languages": (None, rng.choice(languages)),
        "last_verified_on": (None, "2024-0{{}}-15".format(rng.randint(1, 9)))}},
        memberships={{"emj": (None, {{"role": "contact-point", "external_id": None}})}},
        action="contact_point.created") for n in range({count})]
    write_entries(None, writes, actor_label="benchmark")
    commit()
"""
    subprocess.run([str(BIN / "python"), "-c", script], env=instance.env, cwd=ROOT, check=True)


IN_PROCESS = """
import time
from directory import create_app
from directory.extensions import db
from directory.services import campaigns, commit, mail
app = create_app()
with app.app_context():
    mail.dispatcher = lambda: None  # delivery measured on its own, below
    campaign_id = campaigns.start(None, "emj").id
    db.session.info.pop("jobs_queued", None)  # run here, not by a consumer
    commit()
    wall, cpu = time.perf_counter(), time.process_time()
    queued = campaigns.fan_out(campaign_id)
    print(f"fan-out of {queued:,} messages: wall {time.perf_counter() - wall:.1f} s, "
          f"CPU {time.process_time() - cpu:.1f} s (target < 10 s)")
    wall, cpu = time.perf_counter(), time.process_time()
    delivered = mail.deliver_due()
    print(f"delivery as .eml files ({delivered['sent']:,}): "
          f"wall {time.perf_counter() - wall:.1f} s, CPU {time.process_time() - cpu:.1f} s "
          "(target < 60 s with the fan-out)")
"""


def count(database: Path, query: str) -> int:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30) as connection:
        return connection.execute(query).fetchone()[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=5000)
    parser.add_argument("--in-process", action="store_true")
    arguments = parser.parse_args()
    total = arguments.entries
    with Instance.fresh() as instance:
        mail_dir = instance.folder / "outbox"
        instance.env["COUNTERPART_MAIL_DIR"] = str(mail_dir)
        instance.env["COUNTERPART_BASE_URL"] = "https://counterpart.example"
        instance.env["COUNTERPART_JOBS_FILE"] = str(instance.folder / "jobs.sqlite3")
        database = instance.folder / "bench.sqlite3"
        instance.cli("init-db")
        email = instance.admin()
        started = time.perf_counter()
        fill(instance, total)
        print(f"{total:,} entries written in {time.perf_counter() - started:.1f} s", flush=True)
        print(f"load average before: {os.getloadavg()[0]:.2f}", flush=True)
        if arguments.in_process:
            subprocess.run([str(BIN / "python"), "-c", IN_PROCESS], env=instance.env, cwd=ROOT,
                           check=True)
            print(f"load average after: {os.getloadavg()[0]:.2f}", flush=True)
            return
        with instance.server(workers=2, log=instance.folder / "gunicorn.log") as base:
            browser = Browser(base, email)
            samples: list[float] = []
            started = time.perf_counter()
            campaign = subprocess.Popen([str(BIN / "counterpart"), "campaign", "--network",
                                         "emj"], env=instance.env, cwd=ROOT,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        text=True)
            queued_at = written_at = answered_at = None
            stop = threading.Event()

            def ask_the_page() -> None:
                while not stop.is_set():
                    try:
                        samples.append(browser.timed("/freshness/campaigns/1"))
                    except OSError:  # the campaign is not committed yet: 404
                        time.sleep(0.05)
                    time.sleep(0.1)

            reader = threading.Thread(target=ask_the_page)
            reader.start()
            deadline = started + 300
            while time.perf_counter() < deadline and (queued_at is None or written_at is None):
                now = time.perf_counter() - started
                if answered_at is None and campaign.poll() is not None:
                    answered_at = now
                try:
                    queued = count(database, "SELECT count(*) FROM outbox_message")
                except sqlite3.OperationalError:
                    queued = 0
                if queued_at is None and queued >= total:
                    queued_at = now
                written = len(list(mail_dir.glob("*.eml"))) if mail_dir.exists() else 0
                if written_at is None and written >= total:
                    written_at = now
                time.sleep(0.2)
            output, _ = campaign.communicate(timeout=300)
            stop.set()
            reader.join()
            print(output.strip(), flush=True)
            print(f"`counterpart campaign` answered (campaign recorded, fan-out queued as a job): "
                  f"{answered_at:.1f} s" if answered_at else "", flush=True)
            print(f"all {total:,} messages queued in the outbox: "
                  f"{queued_at:.1f} s (target < 10 s)" if queued_at else "not all queued",
                  flush=True)
            print(f"all {total:,} .eml files written:           "
                  f"{written_at:.1f} s (target < 60 s)" if written_at else "not all written",
                  flush=True)
            report("campaign page while it runs (target < 300 ms)", samples or [0.0])
            sample = random.Random(1).sample(sorted(mail_dir.glob("*.eml")), 1)[0]
            print(f"one message: {sample.name}, {sample.stat().st_size:,} bytes", flush=True)
        print(f"load average after: {os.getloadavg()[0]:.2f}", flush=True)



if __name__ == "__main__":
    main()
