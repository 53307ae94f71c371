"""The WSGI entry point for any server: `gunicorn wsgi:app`."""

from directory import create_app

app = create_app()
