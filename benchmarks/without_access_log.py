"""The app with the access log switched off, for benchmarks/access_log.py only: the same
code, but `access_log.record` does nothing, so the difference is what the log costs."""

from directory import create_app
from directory.services import access_log


def _record_nothing(*_args: object, **_kwargs: object) -> None:
    """Stands in for `access_log.record`: takes what it is given and writes no row."""


access_log.record = _record_nothing
app = create_app()
