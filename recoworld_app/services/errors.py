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


class Conflict(InvalidInput):
    """Refused in the present state (a run still running, not done yet; too few past posts): the same
    request may pass later. Still bad input to whoever handles InvalidInput (a form, a task)."""

    status = 409


class QuotaExceeded(ServiceError):
    status = 429


class QueueUnavailable(ServiceError):
    status = 503
