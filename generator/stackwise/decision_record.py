"""What the project's docs/decisions/0001-framework.md records.

The recommendation for the answers, its reasons and trade-offs. The template renders it (passed to
copier as `decision`).
"""

import datetime
from typing import Any

from stackwise import __version__, rules


def decision(answers: dict[str, Any]) -> dict[str, Any]:
    """The data the decision record renders from, for these answers."""
    recommendation = rules.recommend(rules.Needs.from_answers(answers))
    listed = recommendation.as_json()
    return {
        "recommended": recommendation.framework,
        "recommended_name": rules.NAMES[recommendation.framework],
        "chosen_name": rules.NAMES[answers["framework"]],
        "reasons": listed["reasons"],
        "trade_offs": listed["trade_offs"],
        "date": datetime.date.today().isoformat(),
        "stackwise_version": __version__,
    }
