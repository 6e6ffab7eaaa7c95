"""Domain errors raised by services. Routers translate them into HTTP responses."""


class DomainError(Exception):
    """Base class of every business-rule failure."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFoundError(DomainError):
    """The requested entity does not exist."""


class ConflictError(DomainError):
    """The request conflicts with the current state (duplicate key, wrong status, ...)."""


class InsufficientStockError(ConflictError):
    """Not enough units in stock to fulfil a reservation."""
