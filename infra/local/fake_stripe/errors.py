"""Stripe's error answers: what a refused request returns, in Stripe's JSON shape."""

from __future__ import annotations

from typing import Any


class FakeStripeError(Exception):
    """A request Stripe would refuse: rendered as Stripe's error JSON with ``status``."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str | None = None,
        param: str | None = None,
        error_type: str = "invalid_request_error",
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.param = param
        self.error_type = error_type

    def as_json(self) -> dict[str, Any]:
        error: dict[str, Any] = {"type": self.error_type, "message": self.message}
        if self.code:
            error["code"] = self.code
            error["doc_url"] = f"https://stripe.com/docs/error-codes/{self.code.replace('_', '-')}"
        if self.param:
            error["param"] = self.param
        return {"error": error}


def missing(param: str) -> FakeStripeError:
    """A required parameter is absent (400 ``parameter_missing``)."""
    return FakeStripeError(400, f"Missing required param: {param}.", code="parameter_missing", param=param)


def no_such(kind: str, identifier: str, param: str = "id") -> FakeStripeError:
    """An unknown object (404 ``resource_missing``)."""
    return FakeStripeError(404, f"No such {kind}: '{identifier}'", code="resource_missing", param=param)
