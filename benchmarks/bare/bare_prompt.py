"""The floor of the interview's first question: questionary alone, showing the same select.

benchmarks/run.py times it in a pseudo-terminal against `stackwise new`, from the start until
the question shows. The title and choices are those of copier.yml's first question (`purpose`).
"""

import questionary


def ask() -> str:
    return questionary.select(
        "What are you building?",
        choices=[
            questionary.Choice("api: a web API that other programs call", "api"),
            questionary.Choice("webapp: a server-rendered web application", "webapp"),
            questionary.Choice("prototype: something to try an idea quickly", "prototype"),
            questionary.Choice(
                "microservice: a small service with a few endpoints", "microservice"
            ),
        ],
        default="api",
    ).unsafe_ask()


if __name__ == "__main__":
    ask()
