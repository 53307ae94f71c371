"""What a service refuses, in terms the web pages and the API turn into messages and statuses."""

from __future__ import annotations

from flask_babel import gettext as _


class ServiceError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class ValidationFailed(ServiceError):
    status = 422
    code = "validation_failed"

    def __init__(self, fields: dict[str, str], message: str | None = None):
        super().__init__(message or _("Some fields are not valid."), fields)


class PermissionDenied(ServiceError):
    status = 403
    code = "forbidden"

    def __init__(self, message: str | None = None):
        super().__init__(message or _("You are not allowed to do this."))


class NotFound(ServiceError):
    status = 404
    code = "not_found"

    def __init__(self, message: str | None = None):
        super().__init__(message or _("Not found."))


class Conflict(ServiceError):
    status = 409
    code = "conflict"

    def __init__(self, message: str, fields: dict[str, str] | None = None,
                 existing_id: int | None = None):
        super().__init__(message, fields)
        self.existing_id = existing_id


class TooManyAttempts(ServiceError):
    status = 429
    code = "too_many_attempts"


class Unavailable(ServiceError):
    status = 503
    code = "unavailable"
