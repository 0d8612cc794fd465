"""The error every service raises for input it refuses: field name → message."""


class Invalid(Exception):
    """The request cannot be carried out; `errors` maps form fields (or "") to messages."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors
