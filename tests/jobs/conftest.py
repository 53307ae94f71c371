"""Real consumers for the job tests: apps that queue without running (huey on a file or on
the Redis at 127.0.0.1:6379), `counterpart worker` processes, and the job rows."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from jobs_support import wait_until  # noqa: F401 - the tests import it from here too
from sqlalchemy import select
from support import close_app, make_app, stop_process

from directory.extensions import db
from directory.models import BackgroundJob

# CI and every developer machine have Redis here; another is given with this variable.
REDIS_URL = os.environ.get("COUNTERPART_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
COUNTERPART = Path(sys.executable).with_name("counterpart")


@pytest.fixture
def redis_url():
    """The test Redis, which must answer: the worker tests do not skip without it."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except redis.exceptions.RedisError as error:
        pytest.fail(f"Redis is not reachable at {REDIS_URL} ({error}); the job tests need it "
                    "(start redis-server, or set COUNTERPART_TEST_REDIS_URL).")
    return REDIS_URL


@pytest.fixture
def queue_config(app, tmp_path):
    """Settings of a process that queues jobs and does not run them: on a huey file by
    default; `queue_config(redis=url)` for Redis. A fresh queue name each test."""

    def config(redis: str | None = None, **more) -> dict:
        settings = {"JOBS_IMMEDIATE": False, "JOBS_EMBEDDED": False,
                    "JOBS_FILE": str(tmp_path / "jobs.sqlite3"),
                    "JOBS_QUEUE": f"test-{uuid.uuid4().hex[:10]}",
                    "MAIL_DIR": str(Path(app.instance_path) / "outbox")}
        if redis:
            settings["REDIS_URL"] = redis
        settings.update(more)
        return settings

    return config


@pytest.fixture
def other_process(app, database_url, tmp_path):
    """Another app instance on the same database and instance folder: other_process(**config)."""
    made = []

    def build(**config):
        other = make_app(database_url, tmp_path / "index", **config)
        other.instance_path = app.instance_path
        made.append(other)
        return other

    yield build
    for other in made:
        try:
            with other.app_context():
                from directory.services import jobs

                jobs.huey_of(other).flush()
        except Exception:  # noqa: BLE001 - a queue already gone
            pass
        close_app(other)


@pytest.fixture
def worker_process(app, database_url, tmp_path):
    """Start `counterpart worker` as its own process with the given settings."""
    started = []

    def start(config: dict) -> subprocess.Popen:
        environment = {**os.environ, "COUNTERPART_DATABASE_URL": database_url,
                       "COUNTERPART_INDEX_DIR": str(tmp_path / "index-worker"),
                       "COUNTERPART_INSTANCE_PATH": app.instance_path,
                       "COUNTERPART_SECRET_KEY": "test-secret-key"}
        for key, value in config.items():
            if key in ("JOBS_IMMEDIATE", "JOBS_EMBEDDED"):
                value = "true" if value else "false"
            environment[f"COUNTERPART_{key}"] = str(value)
        log = open(tmp_path / f"worker-{len(started)}.log", "w")  # noqa: SIM115
        process = subprocess.Popen([str(COUNTERPART), "worker"], env=environment,
                                   stdout=log, stderr=subprocess.STDOUT)
        process.log_path = log.name
        started.append((process, log))
        return process

    yield start
    for process, log in started:
        stop_process(process)
        log.close()


@pytest.fixture
def job_rows(app):
    def rows() -> list[BackgroundJob]:
        with app.app_context():
            found = list(db.session.scalars(select(BackgroundJob).order_by(BackgroundJob.id)))
            db.session.expunge_all()
            return found

    return rows
