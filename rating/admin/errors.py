"""The one error of the administrators' services: what the rules refused, as form errors."""


class AdminRejected(Exception):
    """Business rules refused the change: (field, French msgid) pairs for `add_errors`."""

    def __init__(self, reasons: list[tuple[str, str]]):
        super().__init__(reasons)
        self.reasons = reasons
