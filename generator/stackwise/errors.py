"""The error types the CLI turns into a one-line message and an exit status."""


class StackwiseError(Exception):
    """A problem the user can fix; `str(error)` says what is wrong and how to fix it."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        """Keep the exit status the CLI ends with (2: a usage error)."""
        super().__init__(message)
        self.exit_code = exit_code


class AnswerError(StackwiseError):
    """An answer refused by copier.yml (its type, its choices or its validator).

    The message names answers by their keys, as copier.yml does; the CLI names them by the
    flags that set them.
    """

    def __init__(self, message: str, key: str) -> None:
        """Keep the key of the refused answer."""
        super().__init__(message)
        self.key = key
