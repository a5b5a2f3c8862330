"""The floor of a Typer command's first question: the select of bare_prompt.py, asked by a
one-command Typer app with one option, set up as stackwise's (Rich markup off).

benchmarks/run.py times it beside bare_prompt.py: the difference is what Typer adds (its import,
and with Typer 0.29 pydantic, which it imports to convert every option's value).
"""

from typing import Annotated

import typer
from bare_prompt import ask

app = typer.Typer(rich_markup_mode=None, pretty_exceptions_enable=False, add_completion=False)


@app.command()
def new(purpose: Annotated[str | None, typer.Option()] = None) -> None:
    ask()


if __name__ == "__main__":
    app()
