"""What the project's docs/decisions/0001-framework.md records.

The recommendation for the answers, its reasons and trade-offs, and every answer that shaped the
project. The template renders it (passed to copier as `decision`).
"""

import dataclasses
import datetime
from typing import Any

from stackwise import __version__, questions, rules

# Answers that name the project and its people: they shape no decision.
IDENTITY = frozenset({"project_name", "package_name", "description", "author_name", "author_email"})


def decision(answers: dict[str, Any]) -> dict[str, Any]:
    """The data the decision record renders from, for these answers (as resolve gives them)."""
    recommendation = rules.recommend(rules.Needs.from_answers(answers))
    listed = recommendation.as_json()
    needs = {field.name for field in dataclasses.fields(rules.Needs)}
    shaping = [
        {"key": question.key, "question": question.help, "answer": _shown(answers[question.key])}
        for question in questions.load()
        if question.key in answers and question.key not in IDENTITY
    ]
    return {
        "recommended": recommendation.framework,
        "recommended_name": rules.NAMES[recommendation.framework],
        "chosen_name": rules.NAMES[answers["framework"]],
        "needs": [answer for answer in shaping if answer["key"] in needs],
        "choices": [answer for answer in shaping if answer["key"] not in needs],
        "reasons": _holding(listed["reasons"], answers, recommendation.defaults),
        "trade_offs": listed["trade_offs"],
        "date": datetime.date.today().isoformat(),
        "stackwise_version": __version__,
    }


def _holding(
    reasons: list[dict[str, str]], answers: dict[str, Any], defaults: dict[str, Any]
) -> list[dict[str, str]]:
    """The reasons, with the deployment's saying so when another deployment was chosen."""
    chosen, preselected = answers.get("deploy", defaults["deploy"]), defaults["deploy"]
    if chosen == preselected:
        return reasons
    return [
        {**reason, "text": f"{chosen} chosen over {preselected}, preselected for: {reason['text']}"}
        if reason["criterion"] == "deployment"
        else reason
        for reason in reasons
    ]


def _shown(answer: Any) -> str:
    if isinstance(answer, bool):
        return "yes" if answer else "no"
    return str(answer)
