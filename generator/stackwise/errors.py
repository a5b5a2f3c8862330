"""The one error type the CLI turns into a one-line message and an exit status."""


class StackwiseError(Exception):
    """A problem the user can fix; `str(error)` says what is wrong and how to fix it."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        """Keep the exit status the CLI ends with (2: a usage error)."""
        super().__init__(message)
        self.exit_code = exit_code
