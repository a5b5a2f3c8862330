"""The base every authentication style builds on: the users or api_keys table with its migration,
password hashing, and the project's manage command (create-user, create-api-key,
revoke-api-key). A style is offered only once its template side is done (rules.AUTH_OFFERED), so
these projects are rendered from a copy of the template that offers every style: the generated
project's own tests (test_manage.py, test_migrations.py), ruff and mypy pass with the base."""

from pathlib import Path
from typing import Any

import pytest
import yaml

from stackwise import rules
from tests.support.projects import check_project
from tests.support.template import copy_template

pytestmark = pytest.mark.slow

PROJECTS = {
    "fastapi-jwt": {"framework": "fastapi", "auth": "jwt"},
    "flask-apikey": {"framework": "flask", "auth": "apikey"},
    "hybrid-jwt-postgresql": {"framework": "hybrid", "auth": "jwt", "database": "postgresql"},
    "hybrid-apikey-async": {"framework": "hybrid", "auth": "apikey", "needs_async": True},
}


def offering_every_style(folder: Path) -> Path:
    """A copy of the template whose auth question offers every style of the rule table."""
    template = copy_template(folder)
    config = yaml.safe_load((template / "copier.yml").read_text(encoding="utf-8"))
    choices = config["auth"]["choices"]
    offered = set(choices.values())
    choices.update({f"{style}: {style}": style for style in rules.AUTH if style not in offered})
    (template / "copier.yml").write_text(
        yaml.safe_dump(config, sort_keys=False, allow_unicode=True, width=10_000),
        encoding="utf-8",
    )
    return template


@pytest.fixture(scope="module")
def every_style_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return offering_every_style(tmp_path_factory.mktemp("every-style"))


@pytest.mark.parametrize("answers", PROJECTS.values(), ids=PROJECTS.keys())
def test_the_base_of_each_style_passes_the_projects_checks(
    copie: Any, every_style_template: Path, answers: dict[str, Any]
) -> None:
    result = copie.copy(
        extra_answers={"project_name": "demo-app", "team_size": "small", **answers},
        template_dir=every_style_template,
    )
    assert result.exit_code == 0, result.exception
    project = Path(result.project_dir)
    package = project / "src" / "demo_app"
    users = answers["auth"] in rules.AUTH_WITH_USERS
    # Each style gets its own table and nothing of the other's.
    assert (package / "passwords.py").exists() is users
    assert (package / "api_keys.py").exists() is not users
    versions = sorted(path.name for path in (package / "migrations" / "versions").glob("0*.py"))
    second = "0002_create_users.py" if users else "0002_create_api_keys.py"
    # jwt keeps its refresh tokens in a table of its own.
    third = ["0003_create_refresh_tokens.py"] if answers["auth"] == "jwt" else []
    assert versions == ["0001_create_items.py", second, *third]
    assert ("pwdlib[argon2]" in (project / "pyproject.toml").read_text()) is users
    check_project(project, own_env=True)  # pwdlib is in no offered combination's environment
