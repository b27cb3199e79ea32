"""Domain errors the services raise; a page shows them as form errors, the API as JSON with a status."""


class ServiceError(Exception):
    """A problem the creator can act on; `str(error)` is the message to show."""

    status = 400


class InvalidInput(ServiceError):
    status = 400


class NotFound(ServiceError):
    status = 404

    def __init__(self, message: str = "Not found."):
        super().__init__(message)


class QuotaExceeded(ServiceError):
    status = 429


class QueueUnavailable(ServiceError):
    status = 503
