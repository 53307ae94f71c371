"""The app with the access log switched off, for benchmarks/access_log.py only: the same
code, but `access_log.record` does nothing, so the difference is what the log costs."""

from directory import create_app
from directory.services import access_log

access_log.record = lambda *args, **kwargs: None
app = create_app()
