"""`stackwise recommend` and `stackwise compare`: the rule table, shown."""

import json
from typing import Any

import typer

from stackwise import prompts, questions, resolve, rules

NEEDS = tuple(rules.Needs.__dataclass_fields__)


def recommend_for(given: dict[str, Any], as_json: bool) -> None:
    """In a terminal, asks only the needs not given; elsewhere they take their defaults."""
    needs: dict[str, Any] = {}
    by_key = questions.by_key()
    interactive = prompts.stdin_is_terminal() and not as_json
    for key in NEEDS:
        question = by_key[key]
        if key in given:
            needs[key] = resolve.checked(question, question.coerce(given[key]), needs)
        elif interactive:
            needs[key] = prompts.ask(question, question.render_default(needs), needs)
        else:
            needs[key] = question.render_default(needs)
    recommendation = rules.recommend(rules.Needs(**needs))
    if as_json:
        typer.echo(json.dumps(recommendation.as_json(), indent=2, ensure_ascii=False))
    else:
        typer.echo(describe(recommendation).strip())


def describe(recommendation: rules.Recommendation) -> str:
    """The recommendation as the interview and `recommend` show it: reasons first."""
    lines = [f"\nRecommended: {rules.NAMES[recommendation.framework]}", "Why:"]
    lines += [f"  - {r.text} [{r.criterion}]" for r in recommendation.reasons]
    if recommendation.trade_offs:
        lines.append("Traded off:")
        lines += [f"  - {r.text} [{r.criterion}]" for r in recommendation.trade_offs]
    defaults = ", ".join(f"{key}={value}" for key, value in recommendation.defaults.items())
    lines.append(f"Preselected for it: {defaults}\n")
    return "\n".join(lines)


def comparison_table() -> None:
    """Print the comparison table; Rich is imported only for this command."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table(title="FastAPI or Flask", show_lines=True)
    table.add_column("criterion", style="bold")
    table.add_column("FastAPI")
    table.add_column("Flask")
    for criterion in rules.CRITERIA.values():
        table.add_row(criterion.name, escape(criterion.fastapi), escape(criterion.flask))
    Console().print(table)
