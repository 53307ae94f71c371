"""The WSGI entry point of a checkout, for any server: `gunicorn wsgi:app`."""

from directory.wsgi import app

__all__ = ["app"]
