"""Domain errors the services raise; a page shows them as form errors, the API as JSON with a status."""


class ServiceError(Exception):
    """A problem the creator can act on; `str(error)` is the message to show."""

    status = 400


class InvalidInput(ServiceError):
    """Bad input; `problems` lists each one (such as a CSV's bad rows) when there are several."""

    status = 400

    def __init__(self, message: str, problems: list[str] | None = None):
        super().__init__(message)
        self.problems = problems or []


class NotFound(ServiceError):
    status = 404

    def __init__(self, message: str = "Not found."):
        super().__init__(message)


class Conflict(ServiceError):
    """Refused in the object's present state (a run still running, or not done yet): later it may pass."""

    status = 409


class QuotaExceeded(ServiceError):
    status = 429


class QueueUnavailable(ServiceError):
    status = 503
