from typing import Any

from typer.testing import CliRunner


def invoke(app: Any, args: list[str]) -> Any:
    return CliRunner().invoke(app, args, catch_exceptions=False)
