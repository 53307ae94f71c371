"""Background work done once (SPEC section 12), on huey, behind one small interface.

- `@job("name")` declares a job: a function of keyword arguments that runs in an application
  context of its own, commits its own work, and may report `progress(phase, done, total)`.
- `enqueue(name, **arguments)` adds a BackgroundJob row to the caller's transaction; once that
  commits the job is handed to huey. `status(job)` is what a page shows.
- A module that declares jobs is listed in JOB_MODULES, so that every consuming process
  (a worker that never imported it otherwise) knows its jobs.

Huey is the queue: it stores what is to run (SqliteHuey, a file in the instance folder, by
default; RedisHuey with `COUNTERPART_REDIS_URL`), wakes the consumers, holds the progress and
heartbeats, and runs the per-minute `tick`. The BackgroundJob row is what makes a job run once
(a consumer claims it with one `UPDATE … WHERE status = 'queued'`; a second copy of the task finds
nothing to claim) and what survives anything: a job whose process died stops beating, and the
tick queues it again (up to JOB_MAX_ATTEMPTS, then it is failed and its `gave_up` hook says so
where the user looks, e.g. on the import run); a row queued whose task was lost (a process that
died between its commit and the hand-over) is handed to huey again.

Who consumes: without Redis, the application's own processes (`make run`, each gunicorn
worker) start an embedded consumer thread on their first request; a file lock lets one of them
consume at a time and another take over when it ends. With Redis, `counterpart worker`
processes consume (huey's own consumer), on any node. In tests (`JOBS_IMMEDIATE`) huey runs
each task as it is enqueued.
"""

from __future__ import annotations

import contextvars
import fcntl
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from directory.extensions import db
from directory.models import BackgroundJob, utcnow

log = logging.getLogger(__name__)
EXTENSION = "counterpart_jobs"
# The modules whose import declares the jobs: every process that consumes imports them.
JOB_MODULES = ("directory.services.import_jobs", "directory.services.retention",
               "directory.services.campaigns", "directory.services.personal_data")


@dataclass
class Kind:
    name: str
    function: Callable[..., Any]
    # Called (in an app context, inside a transaction the caller commits) with the job's
    # arguments and a reason when a job is given up, so that its own record says so.
    gave_up: Callable[..., None] | None = None


KINDS: dict[str, Kind] = {}
_current: contextvars.ContextVar[int | None] = contextvars.ContextVar("job", default=None)


def job(name: str, gave_up: Callable[..., None] | None = None):
    """Declare a job: @job("imports.check") def check(run_id, ...): ..."""

    def register(function: Callable[..., Any]) -> Callable[..., Any]:
        KINDS[name] = Kind(name, function, gave_up)
        return function

    return register


# --- queueing -------------------------------------------------------------------------------

def enqueue(name: str, *, unique_key: str | None = None, **arguments) -> BackgroundJob:
    """Queue a job in the caller's transaction (flushed; handed to huey after the commit).
    With `unique_key`, a job already queued under that key is returned instead of a second
    one. `arguments` must be JSON values (ids, not objects)."""
    if name not in KINDS:
        raise KeyError(f"no job named {name!r}")
    if unique_key is not None:
        existing = db.session.scalar(select(BackgroundJob).where(
            BackgroundJob.unique_key == unique_key))
        if existing is not None:
            return existing
    row = BackgroundJob(name=name, arguments=arguments, unique_key=unique_key, status="queued",
                        phase="", done=0, total=0, attempts=0)
    db.session.add(row)
    db.session.flush()
    db.session.info.setdefault("jobs_queued", []).append(row.id)
    return row


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    # A savepoint's release fires this too, inside a transaction that may still roll back.
    if session.in_nested_transaction():
        return
    queued = session.info.pop("jobs_queued", None)
    if queued:
        hand_over(queued)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    if not session.in_nested_transaction():
        session.info.pop("jobs_queued", None)


def hand_over(job_ids: list[int]) -> None:
    """Give committed jobs to huey; a failure leaves them queued for the tick to find."""
    try:
        extension = _extension()
        for job_id in job_ids:
            extension.run_task(job_id)
        extension.wake()
    except Exception:  # noqa: BLE001 - the rows are queued; the next tick hands them over
        log.exception("Jobs %s could not be handed to the queue; the next tick will", job_ids)


# --- running --------------------------------------------------------------------------------

def run(job_id: int) -> bool:
    """Claim the job and run it; False when another consumer has it or it has run."""
    now = utcnow()
    claimed = db.session.execute(
        update(BackgroundJob).where(BackgroundJob.id == job_id, BackgroundJob.status == "queued")
        .values(status="running", started_at=now, heartbeat_at=now, finished_at=None,
                attempts=BackgroundJob.attempts + 1, error=None)).rowcount
    row = db.session.get(BackgroundJob, job_id) if claimed else None
    name, arguments = (row.name, dict(row.arguments)) if row else ("", {})
    db.session.commit()
    if not claimed:
        return False
    kind = KINDS.get(name)
    token = _current.set(job_id)
    beat = _Heartbeat(job_id)
    try:
        if kind is None:
            raise LookupError(f"no job named {name!r} in this process")
        kind.function(**arguments)
    except Exception as error:  # noqa: BLE001 - recorded on the job, logged
        db.session.rollback()
        log.exception("Job %s (%s) failed", job_id, name)
        _finish(job_id, "failed", f"{type(error).__name__}: {error}")
        _give_up(kind, arguments, f"{type(error).__name__}: {error}")
    else:
        _finish(job_id, "done")
    finally:
        beat.stop()
        _current.reset(token)
        _forget(job_id)
    return True


def _finish(job_id: int, status: str, error: str | None = None) -> None:
    db.session.rollback()
    db.session.execute(update(BackgroundJob).where(BackgroundJob.id == job_id).values(
        status=status, finished_at=utcnow(), error=(error or None) and error[:500]))
    db.session.commit()


def _give_up(kind: Kind | None, arguments: dict, reason: str) -> None:
    if kind is None or kind.gave_up is None:
        return
    try:
        kind.gave_up(reason=reason, **arguments)
        db.session.commit()
    except Exception:  # noqa: BLE001 - the job itself is marked failed already
        db.session.rollback()
        log.exception("The record of given-up job %s could not be updated", kind.name)


def progress(phase: str, done: int = 0, total: int = 0) -> None:
    """How far the running job got, for the pages (no-op outside a job). Kept in huey's
    store, not the database: a job may hold the database's one writer for minutes."""
    job_id = _current.get()
    if job_id is None:
        return
    _extension().huey.put(f"progress:{job_id}", {"phase": phase, "done": done, "total": total,
                                                 "at": time.time()})


def current_job() -> int | None:
    return _current.get()


class _Heartbeat:
    """Beats every JOB_HEARTBEAT_SECONDS while a job runs, from a thread of its own, so that
    a long step without progress is not taken for a dead process."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.extension = _extension()
        self.every = float(current_app.config["JOB_HEARTBEAT_SECONDS"])
        self.stopped = threading.Event()
        self.beat()
        self.thread = threading.Thread(target=self.loop, name=f"job-beat-{job_id}", daemon=True)
        self.thread.start()

    def beat(self) -> None:
        try:
            self.extension.huey.put(f"beat:{self.job_id}", time.time())
        except Exception:  # noqa: BLE001 - a missed beat only makes the job look slower
            log.warning("Job %s: heartbeat not stored", self.job_id, exc_info=True)

    def loop(self) -> None:
        while not self.stopped.wait(self.every):
            self.beat()

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join(5)


def _peek(key: str) -> Any:
    huey = _extension().huey
    try:
        return huey.get(key, peek=True)
    except Exception:  # noqa: BLE001 - an unreadable store shows no progress
        return None


def _forget(job_id: int) -> None:
    huey = _extension().huey
    for key in (f"progress:{job_id}", f"beat:{job_id}"):
        try:
            huey.delete(key)
        except Exception:  # noqa: BLE001 - a stale key is harmless
            pass


# --- what pages show ------------------------------------------------------------------------

@dataclass
class JobStatus:
    id: int
    name: str
    status: str  # queued | running | done | failed
    phase: str
    done: int
    total: int
    attempts: int
    error: str | None
    # Its process died and it is queued to run again (attempts > 1 while queued or running).
    resumed: bool


def status(job: BackgroundJob | int) -> JobStatus:
    row = job if isinstance(job, BackgroundJob) else db.session.get_one(BackgroundJob, job)
    seen = _peek(f"progress:{row.id}") if row.status == "running" else None
    seen = seen or {}
    return JobStatus(id=row.id, name=row.name, status=row.status,
                     phase=str(seen.get("phase", row.phase)), done=int(seen.get("done", row.done)),
                     total=int(seen.get("total", row.total)), attempts=row.attempts,
                     error=row.error,
                     resumed=row.attempts > (1 if row.status == "running" else 0)
                     and row.status in ("queued", "running"))


def find(unique_key: str) -> BackgroundJob | None:
    return db.session.scalar(select(BackgroundJob).where(BackgroundJob.unique_key == unique_key))


# --- the per-minute tick --------------------------------------------------------------------

def sweep(now: datetime | None = None) -> dict[str, int]:
    """Jobs whose process died (no heartbeat for JOB_STALLED_SECONDS): queued again, or
    failed after JOB_MAX_ATTEMPTS; queued jobs that huey lost: handed over again."""
    now = now or utcnow()
    config = current_app.config
    stalled_before = now - timedelta(seconds=float(config["JOB_STALLED_SECONDS"]))
    limit = max(1, int(config["JOB_MAX_ATTEMPTS"]))
    requeued, given_up = [], 0
    running = db.session.execute(select(
        BackgroundJob.id, BackgroundJob.name, BackgroundJob.arguments, BackgroundJob.attempts,
        BackgroundJob.heartbeat_at).where(BackgroundJob.status == "running")).all()
    db.session.commit()
    for job_id, name, arguments, attempts, started in running:
        beat = _peek(f"beat:{job_id}")
        last = (datetime.fromtimestamp(beat, UTC).replace(tzinfo=None) if isinstance(beat, float)
                else started)
        if last is not None and last >= stalled_before:
            continue
        ended = f"Its process ended while it ran ({attempts} time(s))."
        values: dict[str, Any] = ({"status": "queued", "error": ended} if attempts < limit
                                  else {"status": "failed", "error": ended,
                                        "finished_at": now})
        moved = db.session.execute(update(BackgroundJob).where(
            BackgroundJob.id == job_id, BackgroundJob.status == "running").values(**values))
        db.session.commit()
        if not moved.rowcount:
            continue
        log.warning("Job %s (%s): its process ended; %s", job_id, name,
                    "queued again" if values["status"] == "queued" else "given up")
        if values["status"] == "queued":
            requeued.append(job_id)
        else:
            given_up += 1
            _give_up(KINDS.get(name), dict(arguments), ended)
    lost = _lost(now - timedelta(seconds=float(config["JOB_STALLED_SECONDS"])))
    hand_over(requeued + lost)
    return {"requeued": len(requeued), "given_up": given_up, "handed_over_again": len(lost)}


def _lost(before: datetime) -> list[int]:
    """Jobs queued a while ago while huey holds nothing to run: their task was lost."""
    try:
        if _extension().huey.pending_count():
            return []
    except Exception:  # noqa: BLE001 - the store is down: nothing to hand over to anyway
        return []
    ids = list(db.session.scalars(select(BackgroundJob.id).where(
        BackgroundJob.status == "queued", BackgroundJob.created_at < before)))
    db.session.commit()
    return ids


def tick() -> None:
    """Every minute, in whichever process consumes: mail whose retry is due, jobs whose
    process died, and the daily purge (queued once per day, after PURGE_HOUR UTC)."""
    from directory.services import mail

    steps = (("mail", mail.deliver_due), ("sweep", sweep), ("daily", _daily))
    for name, step in steps:
        try:
            step()
        except Exception:  # noqa: BLE001 - one step failing must not stop the others
            db.session.rollback()
            log.exception("Tick step %s failed", name)


def _daily() -> None:
    from sqlalchemy.exc import IntegrityError

    now = utcnow()
    if now.hour < int(current_app.config["PURGE_HOUR"]):
        return
    try:
        enqueue("retention.purge", unique_key=f"purge:{now.date().isoformat()}")
        # A verification campaign's one reminder, 14 days on (services/campaigns.py).
        enqueue("campaigns.send_reminders", unique_key=f"reminders:{now.date().isoformat()}")
        db.session.commit()
    except IntegrityError:  # another consumer queued today's at the same moment
        db.session.rollback()


# --- huey, per application --------------------------------------------------------------------

class Extension:
    """The app's huey and its three tasks: run a job, deliver mail, tick.

    Huey (and the Redis and PostgreSQL clients its storage imports) is loaded on first use:
    most commands never queue a job, and loading it was a quarter of their start-up."""

    def __init__(self, app: Flask):
        self.app = app
        self.embedded: EmbeddedConsumer | None = None
        self.lock = threading.Lock()
        self._building = threading.Lock()
        self._huey: Any = None
        self._tasks: dict[str, Any] = {}

    @property
    def huey(self) -> Any:
        if self._huey is None:
            with self._building:
                if self._huey is None:
                    self._huey = self._build()
        return self._huey

    def _build(self) -> Any:
        from huey import crontab

        huey = _make_huey(self.app)
        self._tasks = {
            "run": huey.task(name="counterpart.run_job")(self._in_app(run)),
            "mail": huey.task(name="counterpart.deliver_mail")(self._in_app(_deliver_mail)),
            "tick": huey.periodic_task(crontab(), name="counterpart.tick")(self._in_app(tick)),
        }
        return huey

    def _task(self, name: str) -> Any:
        self.huey  # noqa: B018 - built on first use, with its tasks
        return self._tasks[name]

    def run_task(self, job_id: int) -> None:
        self._task("run")(job_id)

    def deliver_mail(self) -> None:
        self._task("mail")()

    def tick(self) -> None:
        self._task("tick")()

    def wake(self) -> None:
        """A task was queued: this process's consumer, if it has one, looks at once."""
        if self.embedded is not None:
            self.embedded.wakeup.set()

    def _in_app(self, function: Callable[..., Any]) -> Callable[..., Any]:
        app = self.app

        def task(*args, **kwargs):
            # An app context of its own, so a session of its own, even when huey runs the
            # task at once inside another's commit (JOBS_IMMEDIATE).
            with app.app_context():
                try:
                    return function(*args, **kwargs)
                finally:
                    db.session.remove()

        task.__name__ = function.__name__
        return task


def _deliver_mail() -> None:
    from directory.services import mail

    mail.deliver_due()


def _make_huey(app: Flask):
    from huey import MemoryHuey, RedisHuey, SqliteHuey

    name = str(app.config["JOBS_QUEUE"])
    if app.config.get("JOBS_IMMEDIATE"):
        return MemoryHuey(name, immediate=True, results=False, utc=True)
    redis_url = str(app.config.get("REDIS_URL") or "").strip()
    if redis_url:
        return RedisHuey(name, url=redis_url, results=False, utc=True)
    path = jobs_file(app)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass
    return SqliteHuey(name, filename=str(path), results=False, utc=True, timeout=10)


def jobs_file(app: Flask) -> Path:
    configured = str(app.config.get("JOBS_FILE") or "").strip()
    return Path(configured) if configured else Path(app.instance_path) / "jobs.sqlite3"


def _extension() -> Extension:
    return current_app.extensions[EXTENSION]


def huey_of(app: Flask):
    return app.extensions[EXTENSION].huey


def init_app(app: Flask) -> None:
    import importlib

    from directory.services import mail

    for module in JOB_MODULES:
        importlib.import_module(module)
    app.extensions[EXTENSION] = Extension(app)
    mail.dispatcher = lambda: _extension().deliver_mail()

    if embedded(app):
        @app.before_request
        def start_consumer() -> None:
            start_embedded(app)


def embedded(app: Flask) -> bool:
    """Do this app's web processes consume the jobs themselves (no Redis, not immediate)?"""
    return (bool(app.config.get("JOBS_EMBEDDED")) and not app.config.get("JOBS_IMMEDIATE")
            and not str(app.config.get("REDIS_URL") or "").strip())


# --- consumers ----------------------------------------------------------------------------------

class EmbeddedConsumer(threading.Thread):
    """huey's consumer loop in a thread of a web process: runs due scheduled and periodic
    tasks and the queue, one task at a time, while this process holds the instance's
    consumer lock (`jobs.lock` beside the queue file); the other processes wait to take over."""

    def __init__(self, app: Flask):
        super().__init__(name="counterpart-jobs", daemon=True)
        self.app = app
        self.huey = huey_of(app)
        self.stopped = threading.Event()
        self.wakeup = threading.Event()
        self.lock_path = jobs_file(app).with_suffix(".lock")
        self.idle = float(app.config["JOBS_POLL_SECONDS"])

    def run(self) -> None:
        handle = os.fdopen(os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600), "r+")
        try:
            while not self.stopped.is_set():
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError:
                    self.stopped.wait(5)
                    continue
                try:
                    self.consume()
                finally:
                    fcntl.flock(handle, fcntl.LOCK_UN)
        finally:
            handle.close()

    def consume(self) -> None:
        last_minute = None
        while not self.stopped.is_set():
            now = utcnow()
            try:
                for task in self.huey.read_schedule(now):
                    self.huey.enqueue(task)
                minute = now.replace(second=0, microsecond=0)
                if minute != last_minute:
                    last_minute = minute
                    for task in self.huey.read_periodic(now):
                        self.huey.enqueue(task)
                task = self.huey.dequeue()
                if task is None:
                    self.wakeup.wait(self.idle)
                    self.wakeup.clear()
                    continue
                self.huey.execute(task, now)
            except Exception:  # noqa: BLE001 - the loop goes on; the task's job is marked
                log.exception("The embedded job consumer hit an error; going on")
                self.stopped.wait(self.idle)

    def stop(self) -> None:
        self.stopped.set()
        self.wakeup.set()


def start_embedded(app: Flask) -> EmbeddedConsumer | None:
    """Start this process's embedded consumer once (after a fork, the child starts its own)."""
    extension: Extension = app.extensions[EXTENSION]
    consumer = extension.embedded
    if consumer is not None and consumer.is_alive():
        return consumer
    with extension.lock:
        if extension.embedded is None or not extension.embedded.is_alive():
            extension.embedded = EmbeddedConsumer(app)
            extension.embedded.start()
    return extension.embedded


def run_worker(app: Flask, workers: int = 1) -> None:
    """`counterpart worker`: huey's consumer in this process, until it is stopped (SIGINT or
    SIGTERM finish the running tasks first)."""
    consumer = huey_of(app).create_consumer(workers=workers, worker_type="thread",
                                            periodic=True, initial_delay=0.1, backoff=1.15,
                                            max_delay=float(app.config["JOBS_POLL_SECONDS"]),
                                            check_worker_health=True)
    # At once, not at the next minute: what a dead worker left is taken up on start.
    app.extensions[EXTENSION].tick()
    consumer.run()
