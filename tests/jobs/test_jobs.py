"""Background jobs: queued by one process and run by another, on a huey file or on Redis,
once, with their progress; a job whose process died is run again or said to have stopped."""

from __future__ import annotations

import shutil
import threading
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from jobs_support import wait_until
from samples import SAMPLES
from sqlalchemy import update

from directory.extensions import db
from directory.models import AuditEntry, BackgroundJob, ImportRun, utcnow
from directory.services import commit, import_jobs, jobs, users
from directory.services import imports as import_service

# What the in-process test jobs did: job name → arguments of each run.
RAN: dict[str, list] = {}


@jobs.job("tests.record")
def record(marker: str) -> None:
    jobs.progress("recording", 1, 2)
    RAN.setdefault("tests.record", []).append(marker)


def queue_import_check(process, make) -> int:
    """What the upload page does: a run being checked, its file waiting, its check queued
    (and committed) by `process`. Returns the run's id."""
    _, email = make.user("secretariat", networks=("emj",))
    with process.app_context():
        actor = users.find_user(email)
        run = import_service.start_run(actor, "emj", "emj.csv", status="checking")
        db.session.flush()
        path = import_jobs.folder() / f"{run.id}.csv"
        shutil.copy(SAMPLES["emj"], path)
        import_jobs.queue_check(run, actor, path)
        commit()
        return run.id


def check_job(job_rows) -> BackgroundJob | None:
    return next((row for row in job_rows() if row.name == "imports.check"), None)


def run_status(app, run_id: int) -> str:
    with app.app_context():
        return db.session.get(ImportRun, run_id).status


@pytest.mark.parametrize("backend", ["file", "redis"])
def test_a_job_queued_by_a_process_that_ended_is_run_by_a_worker_process(
        backend, app, make, other_process, worker_process, queue_config, job_rows, request):
    config = queue_config(redis=request.getfixturevalue("redis_url")
                          if backend == "redis" else None)
    queuing = other_process(**config)
    run_id = queue_import_check(queuing, make)
    [queued] = job_rows()
    assert queued.status == "queued" and queued.name == "imports.check"
    from support import close_app

    close_app(queuing)  # the process that queued it is gone; nothing ran it
    assert run_status(app, run_id) == "checking"
    worker = worker_process(config)
    wait_until(lambda: run_status(app, run_id) == "previewed", "the worker checks the list",
               log_path=worker.log_path)
    wait_until(lambda: check_job(job_rows).status == "done", "the job is recorded as done")
    [done] = [row for row in job_rows() if row.name == "imports.check"]
    assert done.status == "done" and done.attempts == 1 and done.finished_at is not None
    with app.app_context():
        run = db.session.get(ImportRun, run_id)
        assert run.counts["created"] == 117 and not run.errors
    assert import_jobs_folder(app).joinpath(f"{run_id}-changes.jsonl").exists()


def import_jobs_folder(app) -> Path:
    return Path(app.instance_path) / "imports"


def test_two_workers_on_redis_run_a_job_handed_to_both_once(
        app, make, other_process, worker_process, queue_config, job_rows, redis_url):
    config = queue_config(redis=redis_url)
    queuing = other_process(**config)
    run_id = queue_import_check(queuing, make)
    with queuing.app_context():
        job_id = job_rows()[0].id
        jobs.hand_over([job_id, job_id, job_id])  # three copies of its task in the queue
    first, second = worker_process(config), worker_process(config)
    wait_until(lambda: run_status(app, run_id) == "previewed", "a worker checks the list",
               log_path=first.log_path)
    wait_until(lambda: check_job(job_rows).status == "done", "the job is recorded as done")
    wait_until(lambda: jobs.huey_of(queuing).pending_count() == 0,
               "the workers take every copy of the task")
    [done] = [row for row in job_rows() if row.name == "imports.check"]
    assert done.status == "done" and done.attempts == 1
    with app.app_context():
        checks = db.session.query(AuditEntry).filter(AuditEntry.action == "import.previewed")
        assert checks.count() == 1
    assert second.poll() is None  # both still consuming


def test_the_web_processes_run_jobs_queued_by_the_command_line(app, other_process,
                                                               queue_config, job_rows):
    """Embedded mode: a job queued by another process (the command line) is run by the
    consumer a web process starts, which holds the instance's consumer lock."""
    config = queue_config()
    command_line = other_process(**config)
    web = other_process(**{**config, "JOBS_EMBEDDED": True})
    with command_line.app_context():
        job_id = jobs.enqueue("tests.record", marker="from the command line").id
        commit()
    assert job_rows()[0].status == "queued"
    web.test_client().get("/login")  # its first request starts its consumer
    consumer = web.extensions[jobs.EXTENSION].embedded
    assert consumer is not None and consumer.is_alive()
    # A second web process waits for the lock instead of consuming alongside.
    other_web = other_process(**{**config, "JOBS_EMBEDDED": True})
    other_web.test_client().get("/login")
    try:
        wait_until(lambda: job_rows()[0].status == "done", "the web process runs the job")
        assert RAN["tests.record"].count("from the command line") == 1
        assert job_rows()[0].id == job_id and job_rows()[0].attempts == 1
    finally:
        consumer.stop()
        other_web.extensions[jobs.EXTENSION].embedded.stop()
        consumer.join(10)


def test_a_job_runs_once_however_often_its_task_is_delivered(app, other_process, queue_config,
                                                            job_rows):
    process = other_process(**queue_config())
    with process.app_context():
        job_id = jobs.enqueue("tests.record", marker="once").id
        commit()
        jobs.hand_over([job_id, job_id])
        huey = jobs.huey_of(process)
        assert huey.pending_count() == 3
        outcomes = []
        threads = [threading.Thread(target=lambda: outcomes.append(
            huey.execute(huey.dequeue()))) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    assert RAN["tests.record"].count("once") == 1
    [row] = job_rows()
    assert row.status == "done" and row.attempts == 1


def test_a_unique_job_is_queued_once(app, other_process, queue_config, job_rows):
    process = other_process(**queue_config())
    with process.app_context():
        first = jobs.enqueue("tests.record", unique_key="record:today", marker="a").id
        commit()
        assert jobs.enqueue("tests.record", unique_key="record:today", marker="b").id == first
        commit()
    assert len(job_rows()) == 1


def test_a_job_whose_process_died_is_run_again(app, other_process, queue_config, job_rows):
    process = other_process(**queue_config(JOB_STALLED_SECONDS=60))
    with process.app_context():
        job_id = jobs.enqueue("tests.record", marker="resumed").id
        commit()
        huey = jobs.huey_of(process)
        huey.dequeue()  # taken by a consumer...
        db.session.execute(update(BackgroundJob).where(BackgroundJob.id == job_id).values(
            status="running", attempts=1, started_at=utcnow() - timedelta(minutes=5),
            heartbeat_at=utcnow() - timedelta(minutes=5)))
        commit()  # ...that claimed it, then died without a heartbeat since
        assert jobs.sweep() == {"requeued": 1, "given_up": 0, "handed_over_again": 0}
        assert jobs.status(job_id).resumed
        commit()  # (SQLite: a read holds the one writer until its transaction ends)
        huey.execute(huey.dequeue())
    [row] = job_rows()
    assert row.status == "done" and row.attempts == 2
    assert RAN["tests.record"].count("resumed") == 1


def test_a_running_job_that_beats_is_left_alone(app, other_process, queue_config, job_rows):
    process = other_process(**queue_config(JOB_STALLED_SECONDS=60))
    with process.app_context():
        job_id = jobs.enqueue("tests.record", marker="alive").id
        commit()
        db.session.execute(update(BackgroundJob).where(BackgroundJob.id == job_id).values(
            status="running", attempts=1, started_at=utcnow() - timedelta(minutes=5)))
        commit()
        import time

        jobs.huey_of(process).put(f"beat:{job_id}", time.time())
        assert jobs.sweep()["requeued"] == 0
    assert job_rows()[0].status == "running"


def test_an_import_whose_process_died_too_often_says_so(app, make, other_process, queue_config,
                                                        login_as):
    process = other_process(**queue_config(JOB_MAX_ATTEMPTS=2))
    run_id = queue_import_check(process, make)
    with process.app_context():
        db.session.execute(update(BackgroundJob).values(
            status="running", attempts=2, started_at=utcnow() - timedelta(hours=1),
            heartbeat_at=utcnow() - timedelta(hours=1)))
        commit()
        assert jobs.sweep()["given_up"] == 1
    assert run_status(app, run_id) == "failed"
    page = login_as("admin").get(f"/imports/{run_id}").get_data(as_text=True)
    assert "Failed: nothing was written." in page
    assert "stopped because the process running it ended" in page


def test_a_page_shows_a_queued_import_waiting_for_its_turn(app, make, other_process,
                                                          queue_config, login_as):
    process = other_process(**queue_config())
    run_id = queue_import_check(process, make)
    page = login_as("admin").get(f"/imports/{run_id}").get_data(as_text=True)
    assert "Waiting for its turn" in page and 'data-poll-seconds="2"' in page


def test_the_daily_tick_queues_one_purge_a_day(app, other_process, queue_config, job_rows):
    process = other_process(**queue_config(PURGE_HOUR=0))
    with process.app_context():
        jobs.tick()
        jobs.tick()
    purges = [row for row in job_rows() if row.name == "retention.purge"]
    assert len(purges) == 1
    assert purges[0].unique_key == f"purge:{utcnow().date().isoformat()}"


def test_mail_is_delivered_by_the_worker_not_by_the_process_that_queued_it(
        app, other_process, worker_process, queue_config, redis_url):
    from directory.models import OutboxMessage
    from directory.services import mail

    config = queue_config(redis=redis_url)
    process = other_process(**config)
    with process.app_context():
        message_id = mail.queue("amina@prosecution.example", "test", {}, "ar").id
        commit()
    outbox = Path(app.instance_path) / "outbox"
    assert not list(outbox.glob("*.eml"))  # queued, handed to the queue, not sent here

    def sent() -> bool:
        with app.app_context():
            return db.session.get(OutboxMessage, message_id).status == "sent"

    worker = worker_process(config)
    wait_until(sent, "the worker delivers the message", log_path=worker.log_path)
    [eml] = outbox.glob("*.eml")
    message = message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert '<html lang="ar" dir="rtl">' in message.get_body(("html",)).get_content()


def big_list(path: Path, rows: int) -> Path:
    """The EMJ sample's first row, `rows` times over as different people."""
    header, first = SAMPLES["emj"].read_text(encoding="utf-8-sig").splitlines()[:2]
    cells = first.split(";")
    lines = [header]
    for number in range(rows):
        cells[0], cells[2] = f"EMJ-{100000 + number}", f"Bennani{number}"
        cells[8] = f"person{number}@justice.ma.example"
        lines.append(";".join(cells))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_check_whose_worker_was_killed_is_finished_by_another_worker(
        app, make, other_process, worker_process, queue_config, job_rows, tmp_path,
        database_url):
    """A real death: the first worker is killed (SIGKILL) in the middle of a check; a
    worker started afterwards finds the job silent and runs it again, once."""
    import sqlite3
    import time

    config = queue_config(JOB_HEARTBEAT_SECONDS=0.5, JOB_STALLED_SECONDS=3)
    queuing = other_process(**config)
    _, email = make.user("secretariat", networks=("emj",))
    with queuing.app_context():
        actor = users.find_user(email)
        run = import_service.start_run(actor, "emj", "big.csv", status="checking")
        db.session.flush()
        path = big_list(import_jobs.folder() / f"{run.id}.csv", 5000)
        import_jobs.queue_check(run, actor, path)
        commit()
        run_id = run.id

    first = worker_process(config)
    wait_until(lambda: check_job(job_rows).status == "running", "the first worker starts the check",
               log_path=first.log_path)
    writer = None
    if database_url.startswith("sqlite:///"):
        # Hold the database's one writer: the check cannot record its outcome, so it is
        # surely in the middle when its worker is killed.
        writer = sqlite3.connect(database_url.removeprefix("sqlite:///"), timeout=30,
                                 isolation_level=None)
        writer.execute("BEGIN IMMEDIATE")
    first.kill()
    first.wait(10)
    if writer is not None:
        writer.rollback()
        writer.close()
    assert check_job(job_rows).status == "running" and run_status(app, run_id) == "checking"
    killed = time.monotonic()
    wait_until(lambda: time.monotonic() - killed > 4, "its heartbeat goes silent")
    second = worker_process(config)
    wait_until(lambda: run_status(app, run_id) == "previewed", "the second worker checks it",
               seconds=180, log_path=second.log_path)
    wait_until(lambda: check_job(job_rows).status == "done", "the job is recorded as done")
    job = check_job(job_rows)
    assert job.status == "done" and job.attempts == 2
    with app.app_context():
        assert db.session.get(ImportRun, run_id).counts["created"] == 5000
