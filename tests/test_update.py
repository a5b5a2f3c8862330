"""`stackwise update`: a project rendered from a local clone of this repository's template (v1)
is brought to a later commit (v2), keeping the user's edits, with and without release tags; a
project made with the template of the last release is updated to HEAD and passes its checks;
and `new` records the public repository and the commit its template came from."""

import json
import os
import socket
import sqlite3
import subprocess
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from stackwise import answers_file, resolve, template_source, vcs
from stackwise.cli import app, in_flags
from stackwise.errors import AnswerError
from tests.support.cli import invoke
from tests.support.projects import check_project, python, run
from tests.support.releases import LAST_RELEASE
from tests.support.template import ROOT, copy_template

IDENTITY = ["-c", "user.name=Test", "-c", "user.email=test@example.com"]
# Each update renders the template three times (copier: the old version, the new one in place,
# the new one apart), about 3 s.
SLOW = pytest.mark.slow
# A change v2 of the template brings to a file the user does not touch.
V2_LINE = "# Added by template v2."


def git(cwd: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", *IDENTITY, *args], cwd=cwd, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, f"git {' '.join(args)}: {result.stderr}"
    return result.stdout


def commit_all(repo: Path, message: str) -> None:
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "-m", message)


def tree_state(project: Path) -> dict[str, bytes]:
    """Every file of the project but .git, with its content."""
    return {
        str(path.relative_to(project)): path.read_bytes()
        for path in sorted(project.rglob("*"))
        if path.is_file() and ".git" not in path.relative_to(project).parts
    }


@pytest.fixture(params=["tags", "no-tags"])
def template_repo(tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    """A git clone of this repository's template (copier.yml + template/): v1, tagged v1.0.0
    or not (a project records a commit, which either finds)."""
    return template_clone(tmp_path, tag=request.param == "tags")


@pytest.fixture
def tagged_template_repo(tmp_path: Path) -> Path:
    """The clone, tagged: for the tests of answers changed in place, where tags play no part."""
    return template_clone(tmp_path, tag=True)


def template_clone(tmp_path: Path, tag: bool) -> Path:
    repo = copy_template(tmp_path / "stackwise-clone")
    git(repo, "init", "--quiet")
    commit_all(repo, "Template v1")
    if tag:
        git(repo, "tag", "v1.0.0")
    return repo


def tagged(repo: Path) -> bool:
    return bool(git(repo, "tag", "--list").strip())


def head(repo: Path) -> str:
    return git(repo, "rev-parse", "HEAD").strip()


def release_v2(repo: Path, change: Callable[[Path], None] | None = None) -> str:
    """Template v2: a line at the end of the generated pyproject.toml, and `change`; its commit."""
    pyproject = repo / "template" / "pyproject.toml.jinja"
    pyproject.write_text(pyproject.read_text() + f"\n{V2_LINE}\n")
    if change is not None:
        change(repo / "template")
    commit_all(repo, "Template v2")
    if tagged(repo):
        git(repo, "tag", "v2.0.0")
    return head(repo)


def public_url() -> str:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return str(pyproject["project"]["urls"]["Repository"])


def new_project(tmp_path: Path, repo: Path, *args: str) -> Path:
    project = tmp_path / "demo"
    command = ["new", str(project), "-y", "--no-lock", "--from", str(repo), "--name", "demo"]
    result = invoke(app, [*command, *args])
    assert result.exit_code == 0, result.output
    return project


def stackwise_update(project: Path, *args: str) -> Any:
    return invoke(app, ["update", str(project), *args])


def answers(project: Path) -> dict[str, Any]:
    return answers_file.read(project)


@SLOW
def test_an_update_keeps_your_edits_and_brings_the_template_changes(
    tmp_path: Path, template_repo: Path
) -> None:
    v1 = head(template_repo)
    project = new_project(tmp_path, template_repo)
    # --from is a source for this time only: the project records the public repository, and
    # the commit, which it and every clone of it hold, with or without tags.
    assert answers(project)["_commit"] == v1
    assert answers(project)["_src_path"] == public_url()
    readme = project / "README.md"
    readme.write_text(readme.read_text().replace("# demo\n", "# demo, our service\n", 1))
    (project / "NOTES.md").write_text("Our own notes.\n")
    commit_all(project, "Our edits")
    decision = (project / "docs" / "decisions" / "0001-framework.md").read_bytes()

    def add_changelog(template: Path) -> None:
        (template / "CHANGELOG.md.jinja").write_text("# {{ project_name }} changes\n")

    v2 = release_v2(template_repo, add_changelog)

    result = stackwise_update(project, "--from", str(template_repo))
    assert result.exit_code == 0, result.output
    assert f"(template {v1[:12]} to {v2[:12]}): 3 files changed" in result.output
    assert readme.read_text().startswith("# demo, our service\n")
    assert (project / "pyproject.toml").read_text().rstrip().endswith(V2_LINE)
    assert (project / "CHANGELOG.md").read_text() == "# demo changes\n"
    assert (project / "NOTES.md").read_text() == "Our own notes.\n"
    # The decision record is rendered only by `new`: an update neither deletes nor rewrites it,
    # nor the README line that links it.
    assert (project / "docs" / "decisions" / "0001-framework.md").read_bytes() == decision
    assert "Why this framework" in readme.read_text()
    assert answers(project)["_commit"] == v2
    assert answers(project)["_src_path"] == public_url()
    assert str(tmp_path) not in (project / answers_file.NAME).read_text()
    # Left for the user to review and commit, nothing committed for them.
    assert git(project, "log", "--format=%s", "-1").strip() == "Our edits"
    status = git(project, "status", "--porcelain").splitlines()
    assert sorted(status) == [
        " M .copier-answers.yml",
        " M pyproject.toml",
        "?? CHANGELOG.md",
    ]

    again = stackwise_update(project, "--from", str(template_repo))
    assert again.exit_code == 1
    assert "uncommitted changes" in again.output
    commit_all(project, "Update to v2")
    again = stackwise_update(project, "--from", str(template_repo))
    assert again.exit_code == 0, again.output
    assert "Up to date" in again.output


@SLOW
def test_a_conflicting_edit_is_marked_listed_and_exits_1(
    tmp_path: Path, template_repo: Path
) -> None:
    project = new_project(tmp_path, template_repo)
    readme = project / "README.md"
    readme.write_text(readme.read_text().replace("A Python web backend\n", "Our shop's API.\n"))
    commit_all(project, "Our description")

    def reword(template: Path) -> None:
        path = template / "README.md.jinja"
        path.write_text(path.read_text().replace("{{ description }}\n", "{{ description }}!\n"))

    v2 = release_v2(template_repo, reword)

    result = stackwise_update(project, "--from", str(template_repo))
    assert result.exit_code == 1
    text = readme.read_text()
    assert "<<<<<<< before updating\nOur shop's API.\n=======\nA Python web backend!\n" in text
    assert ">>>>>>> after updating" in text
    assert "conflict in 1 file, marked inline" in result.output
    assert "\n  README.md\n" in result.output
    assert "delete the marker lines, then `git add` it" in result.output
    # The rest of the update arrived, and git knows README.md is unmerged, as with copier.
    assert (project / "pyproject.toml").read_text().rstrip().endswith(V2_LINE)
    assert answers(project)["_commit"] == v2
    unmerged = git(project, "ls-files", "--unmerged").splitlines()
    assert {line.split("\t")[1] for line in unmerged} == {"README.md"}
    assert sorted(line.split()[2] for line in unmerged) == ["1", "2", "3"]
    # git refuses to commit until the file is resolved, as the message says.
    git(project, "add", "pyproject.toml", ".copier-answers.yml")
    refused = subprocess.run(
        ["git", *IDENTITY, "commit", "-m", "Too early"], cwd=project, capture_output=True
    )
    assert refused.returncode != 0
    resolved = text.replace("<<<<<<< before updating\n", "").replace("=======\n", "")
    readme.write_text(resolved.replace("A Python web backend!\n>>>>>>> after updating\n", ""))
    git(project, "add", "README.md")
    git(project, "commit", "--quiet", "-m", "Update to v2")
    assert "Our shop's API.\n" in readme.read_text()
    assert git(project, "status", "--porcelain") == ""


def test_a_dirty_tree_is_refused_and_left_as_it_was(tmp_path: Path, template_repo: Path) -> None:
    project = new_project(tmp_path, template_repo)
    release_v2(template_repo)
    (project / "README.md").write_text("Work in progress\n")
    (project / "scratch.py").write_text("x = 1\n")
    before = tree_state(project)

    result = stackwise_update(project, "--from", str(template_repo))
    assert result.exit_code == 1
    assert result.output.startswith("error: ")
    assert "has uncommitted changes (README.md, scratch.py)" in result.output
    assert "commit or stash them first" in result.output
    assert tree_state(project) == before


def test_a_folder_that_is_not_a_git_repository_is_refused(
    tmp_path: Path, template_repo: Path
) -> None:
    project = new_project(tmp_path, template_repo, "--no-git")
    before = tree_state(project)
    result = stackwise_update(project, "--from", str(template_repo))
    assert result.exit_code == 1
    assert "is not a git repository" in result.output
    assert "git init" in result.output
    assert tree_state(project) == before


def test_a_repository_without_an_answers_file_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "other"
    folder.mkdir()
    (folder / "README.md").write_text("Not ours.\n")
    git(folder, "init", "--quiet")
    commit_all(folder, "First")
    result = stackwise_update(folder)
    assert result.exit_code == 1
    assert f"has no {answers_file.NAME}" in result.output


@SLOW
def test_data_changes_answers_during_the_update(tmp_path: Path, template_repo: Path) -> None:
    project = new_project(tmp_path, template_repo, "--docs", "both")
    assert (project / "src" / "demo" / "docs.py").is_file()
    release_v2(template_repo)

    result = stackwise_update(project, "--from", str(template_repo), "--data", "docs=none")
    assert result.exit_code == 0, result.output
    assert "with docs=none" in result.output
    assert answers(project)["docs"] == "none"
    assert not (project / "src" / "demo" / "docs.py").exists()
    assert not (project / "src" / "demo" / "docs_assets").exists()
    assert not (project / "tests" / "test_docs.py").exists()
    assert (project / "pyproject.toml").read_text().rstrip().endswith(V2_LINE)


@pytest.mark.parametrize(
    ("data", "status"),
    [
        ("docs=bogus", 1),  # not a choice
        ("validation=none", 1),  # does not fit framework=fastapi
        ("colour=blue", 2),  # not a key
        ("docs", 2),  # not KEY=VALUE
    ],
)
def test_data_is_checked_as_new_checks_it(
    tmp_path: Path, template_repo: Path, data: str, status: int
) -> None:
    project = new_project(tmp_path, template_repo)
    before = tree_state(project)
    result = stackwise_update(project, "--from", str(template_repo), "--data", data)
    refused_by_new = invoke(app, ["new", str(tmp_path / "other"), "-y", "--data", data])
    assert result.exit_code == refused_by_new.exit_code == status
    # The same message, each naming the answers as its command takes them: update by --data
    # (--data docs=bogus), new by their flags (--docs bogus).
    if status == 1:
        with pytest.raises(AnswerError) as refusal:
            resolve.resolve({"project_name": "demo", **resolve.parse_data([data])}, {}, None)
        assert result.output == f"error: {in_flags(str(refusal.value), 'update')}\n"
        assert refused_by_new.output == f"error: {in_flags(str(refusal.value), 'new')}\n"
        assert result.output.startswith(f"error: --data {data} ")
    else:
        assert result.output == refused_by_new.output
    assert len(result.output.strip().splitlines()) == 1
    assert tree_state(project) == before


@SLOW
def test_vcs_ref_picks_the_version_and_needs_from(tmp_path: Path, template_repo: Path) -> None:
    v1 = head(template_repo)
    project = new_project(tmp_path, template_repo)
    v2 = release_v2(template_repo)
    assert stackwise_update(project, "--vcs-ref", v2).exit_code == 2
    missing = stackwise_update(project, "--from", str(template_repo), "--vcs-ref", "v9")
    assert missing.exit_code == 1
    assert "no such tag or commit" in missing.output
    result = stackwise_update(project, "--from", str(template_repo), "--vcs-ref", v1[:7])
    assert result.exit_code == 0, result.output
    assert "Up to date" in result.output
    # Without --vcs-ref, the clone's checked-out commit; a short hash or a tag is recorded as
    # the commit it names.
    cases = (([], v2), (["--vcs-ref", v1[:7]], v1), (["--vcs-ref", "HEAD~1"], v1))
    for number, (ref, recorded) in enumerate(cases):
        other = tmp_path / f"other-{number}"
        made = invoke(
            app,
            ["new", str(other), "-y", "--no-git", "--no-lock", "--from", str(template_repo), *ref],
        )
        assert made.exit_code == 0, made.output
        assert answers(other)["_commit"] == recorded
    assert invoke(app, ["new", str(tmp_path / "x"), "-y", "--vcs-ref", v1]).exit_code == 2


@SLOW
def test_an_interrupted_update_leaves_the_project_as_it_was(
    tmp_path: Path, template_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = new_project(tmp_path, template_repo)
    release_v2(template_repo, lambda template: (template / "NEW.md").write_text("new\n"))
    before = tree_state(project)
    real_git = vcs.run

    def ctrl_c_after_apply(cwd: Path | None, *args: str, stdin: bytes | None = None) -> Any:
        result = real_git(cwd, *args, stdin=stdin)
        if args[0] == "apply":
            assert (project / "NEW.md").exists()  # the files were written
            raise KeyboardInterrupt
        return result

    monkeypatch.setattr(vcs, "run", ctrl_c_after_apply)
    result = stackwise_update(project, "--from", str(template_repo))
    assert result.exit_code == 130
    assert "Cancelled." in result.output
    assert tree_state(project) == before
    assert git(project, "status", "--porcelain") == ""


@SLOW
def test_a_project_in_a_subfolder_of_a_repository(tmp_path: Path, template_repo: Path) -> None:
    monorepo = tmp_path / "monorepo"
    (monorepo / "services").mkdir(parents=True)
    (monorepo / "README.md").write_text("Many services.\n")
    project = monorepo / "services" / "demo"
    result = invoke(app, ["new", str(project), "-y", "--from", str(template_repo), "--no-git"])
    assert result.exit_code == 0, result.output
    git(monorepo, "init", "--quiet")
    commit_all(monorepo, "First")
    release_v2(template_repo)

    result = stackwise_update(project, "--from", str(template_repo))
    assert result.exit_code == 0, result.output
    assert (project / "pyproject.toml").read_text().rstrip().endswith(V2_LINE)
    assert sorted(git(monorepo, "status", "--porcelain").splitlines()) == [
        " M services/demo/.copier-answers.yml",
        " M services/demo/pyproject.toml",
    ]


def test_new_records_the_public_repository_and_the_checkouts_commit(tmp_path: Path) -> None:
    """In a checkout, the template is the checkout's: its HEAD is recorded. Uncommitted changes
    to the template are not in that commit: the note says so."""
    result = invoke(app, ["new", str(tmp_path / "demo"), "-y", "--no-git", "--no-lock"])
    assert result.exit_code == 0, result.output
    recorded = answers(tmp_path / "demo")
    assert recorded["_src_path"] == public_url()
    assert recorded["_commit"] == head(ROOT)
    dirty = git(ROOT, "status", "--porcelain", "--", "copier.yml", "template").strip() != ""
    note = f"template: copier.yml or template/ has changes not committed in {head(ROOT)[:12]}"
    assert (note in result.output) == dirty


def test_the_recorded_source_keeps_copiers_format(tmp_path: Path, template_repo: Path) -> None:
    """`new` rewrites two lines of the answers file copier wrote: the rest stays byte for byte,
    so copier's own next rewrite does not reformat it."""
    from_clone = new_project(tmp_path, template_repo, "--no-git")
    installed = tmp_path / "installed"
    result = invoke(app, ["new", str(installed), "-y", "--name", "demo", "--no-git", "--no-lock"])
    assert result.exit_code == 0, result.output

    def without_source(project: Path) -> list[str]:
        lines = (project / answers_file.NAME).read_text().splitlines()
        return [line for line in lines if not line.startswith(("_src_path:", "_commit:"))]

    assert without_source(installed) == without_source(from_clone)
    assert (installed / answers_file.NAME).read_text().splitlines()[1:3] == [
        f"_commit: {head(ROOT)}",
        f"_src_path: {template_source.repository_url()}",
    ]


@SLOW
def test_without_from_the_public_repository_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No network here: the public repository is stood in for by a clone of this one, which
    holds the commit the project records."""
    public = tmp_path / "public"
    git(tmp_path, "clone", "--quiet", str(ROOT), str(public))
    monkeypatch.setattr(template_source, "repository_url", lambda: str(public))
    project = tmp_path / "demo"
    assert invoke(app, ["new", str(project), "-y", "--no-lock"]).exit_code == 0
    assert answers(project)["_src_path"] == str(public)
    assert answers(project)["_commit"] == head(ROOT)

    result = stackwise_update(project)
    assert result.exit_code == 0, result.output
    assert "Up to date" in result.output

    monkeypatch.setattr(template_source, "repository_url", lambda: f"file://{tmp_path}/gone.git")
    result = stackwise_update(project)
    assert result.exit_code == 1
    assert result.output.startswith("error: cannot get the template from file://")
    assert "pass --from PATH" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_the_answers_file_name_is_copiers() -> None:
    config = yaml.safe_load((ROOT / "copier.yml").read_text(encoding="utf-8"))
    assert config["_answers_file"] == answers_file.NAME


# Run in a FastAPI project `demo` with a database: migrates the database as `python -m
# demo.migrate` does, adds an item of each name given (through the app, as a client would), then
# prints the items the app lists. One process for the three: each costs a second or two to start.
MIGRATE_ADD_AND_LIST_ITEMS = """
import json
import sys

from fastapi.testclient import TestClient

from demo import migrate
from demo.app import create_app

migrate.main()
with TestClient(create_app()) as client:
    for name in sys.argv[1:]:
        assert client.post("/api/items", json={"name": name, "price": 1}).status_code == 201
    print(json.dumps(client.get("/api/items").json()["items"]))
"""


def migrated_items(project: Path, *new: str) -> list[dict[str, Any]]:
    """The items the project's app lists from its database (data/app.db), once it is migrated
    and `new` are added."""
    listed = run(project, python(project), "-c", MIGRATE_ADD_AND_LIST_ITEMS, *new).stdout
    items: list[dict[str, Any]] = json.loads(listed)
    return items


@SLOW
def test_an_updated_project_keeps_its_items_and_passes_its_own_checks(
    tmp_path: Path, tagged_template_repo: Path
) -> None:
    """One update takes the docs pages away and adds sign-in on pages (auth=session) to a
    project whose SQLite database holds items: the users and login_sessions tables come by new
    migrations, the items stay, and the project passes its own checks. One project for both
    changes: each check of a project costs half a minute of CI."""
    repo = tagged_template_repo
    made_with = ["--docs", "both", "--team", "solo", "--pages", "--database", "sqlite"]
    project = new_project(tmp_path, repo, *made_with, "--auth", "none")
    before = migrated_items(project, "Teapot", "Kettle")
    assert [item["name"] for item in before] == ["Teapot", "Kettle"]
    release_v2(repo)

    data = ["--data", "docs=none", "--data", "auth=session"]
    result = stackwise_update(project, "--from", str(repo), *data)
    assert result.exit_code == 0, result.output
    versions = project / "src" / "demo" / "migrations" / "versions"
    assert sorted(path.name for path in versions.glob("0*.py")) == [
        "0001_create_items.py",
        "0002_create_users.py",
        "0003_create_login_sessions.py",
    ]
    assert (project / "tests" / "test_login_sessions.py").is_file()
    assert migrated_items(project) == before  # reads stay open with auth=session
    database = sqlite3.connect(project / "data" / "app.db")
    try:
        tables = {row[0] for row in database.execute("SELECT name FROM sqlite_master")}
        revision = database.execute("SELECT version_num FROM alembic_version").fetchall()
    finally:
        database.close()
    assert {"items", "users", "login_sessions"} <= tables
    assert revision == [("0003",)]
    commit_all(project, "Update to v2, without docs pages, with sign-in")
    check_project(project)


@SLOW
def test_a_database_then_sign_in_added_later_then_moved_to_postgresql(
    tmp_path: Path, tagged_template_repo: Path
) -> None:
    """`--data database=sqlite` gives a project made without a database its models, migrations
    and tests; `--data auth=jwt` then adds accounts and tokens, their tables in new migrations;
    `--data database=postgresql` moves it to PostgreSQL. Each time the project passes its own
    checks (its tests on the database it now has, the migrations included)."""
    repo = tagged_template_repo
    project = new_project(tmp_path, repo, "--database", "none", "--auth", "none", "--team", "solo")
    package = project / "src" / "demo"
    versions = package / "migrations" / "versions"
    assert not (package / "models.py").exists()

    for data in ("database=sqlite", "auth=jwt", "database=postgresql"):
        result = stackwise_update(project, "--from", str(repo), "--data", data)
        assert result.exit_code == 0, result.output
        assert f"with {data}" in result.output
        key, value = data.split("=")
        assert answers(project)[key] == value
        assert (project / "tests" / "test_migrations.py").is_file()
        assert answers(project)["database"] in (project / ".env.example").read_text()
        migrations = sorted(path.name for path in versions.glob("0*.py"))
        tokens = ["0002_create_users.py", "0003_create_refresh_tokens.py"]
        with_tokens = answers(project)["auth"] == "jwt"
        assert migrations == ["0001_create_items.py", *(tokens if with_tokens else [])]
        commit_all(project, f"With {data}")
        check_project(project)
    assert (package / "tokens.py").is_file()
    assert (project / "tests" / "test_tokens.py").is_file()
    assert (project / "tests" / "postgresql.py").is_file()
    assert "psycopg" in (project / "pyproject.toml").read_text()


def test_without_a_repository_url_new_drops_the_staging_path_and_update_asks_for_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An install whose metadata names no repository (an editable install made before it did)."""
    monkeypatch.setattr(template_source, "repository_url", lambda: None)
    project = tmp_path / "demo"
    assert invoke(app, ["new", str(project), "-y", "--no-lock"]).exit_code == 0
    recorded = answers(project)
    assert "_src_path" not in recorded
    assert recorded["_commit"] == head(ROOT)
    result = stackwise_update(project)
    assert result.exit_code == 1
    assert "pass --from PATH" in result.output
    assert len(result.output.strip().splitlines()) == 1


@SLOW
def test_a_project_of_the_last_release_updates_to_head_and_passes_its_checks(
    tmp_path: Path,
) -> None:
    """A clone of this repository: the project is made with its template at the last release
    (tests/support/releases.py), edited and committed, then updated to the clone's HEAD."""
    clone = tmp_path / "stackwise"
    git(tmp_path, "clone", "--quiet", str(ROOT), str(clone))
    project = tmp_path / "shop"
    at_the_release = ["--from", str(clone), "--vcs-ref", LAST_RELEASE]
    made = invoke(app, ["new", str(project), "-y", "--no-lock", "--name", "shop", *at_the_release])
    assert made.exit_code == 0, made.output
    assert answers(project)["_commit"] == LAST_RELEASE
    readme = project / "README.md"
    readme.write_text(readme.read_text().replace("# shop\n", "# shop, our shop\n", 1))
    ours = project / "tests" / "test_ours.py"
    ours.write_text('"""Ours."""\n\n\ndef test_ours() -> None:\n    assert 2 + 2 == 4\n')
    commit_all(project, "Our edits")

    result = stackwise_update(project, "--from", str(clone))
    assert result.exit_code == 0, result.output
    assert answers(project)["_commit"] == head(clone)
    assert answers(project)["_src_path"] == public_url()
    assert readme.read_text().startswith("# shop, our shop\n")
    assert ours.is_file()
    commit_all(project, "Update to HEAD")
    check_project(project)


def test_generated_files_carry_no_facts_about_this_machine(tmp_path: Path) -> None:
    """Two projects, from the installed template and from a clone, made by a user whose home,
    login and git identity are probes: no file holds any of them, nor a path of the machine.
    Only the answers given (the author, Ada) name anyone."""
    home = tmp_path / "home-probe-3e1"
    home.mkdir()
    (home / ".gitconfig").write_text("[user]\n\tname = Gitname Probe\n\temail = gp@probe.test\n")
    login = "loginprobe3e1"
    real_cache = os.environ.get("UV_CACHE_DIR") or str(Path.home() / ".cache" / "uv")
    env = {
        **os.environ,
        "HOME": str(home),
        "USER": login,
        "LOGNAME": login,
        "GIT_CONFIG_GLOBAL": str(home / ".gitconfig"),
        "UV_CACHE_DIR": real_cache,  # a warm cache: not a fact of the project
    }
    clone = tmp_path / "clone-probe"
    git(tmp_path, "clone", "--quiet", str(ROOT), str(clone))
    work = tmp_path / "work-probe"
    work.mkdir()
    answers_given = ["-y", "--author", "Ada", "--email", "ada@example.com"]
    for name, source in (("installed", []), ("from-clone", ["--from", str(clone)])):
        result = subprocess.run(
            [sys.executable, "-m", "stackwise", "new", name, *answers_given, *source],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
    facts = {
        str(tmp_path),
        str(ROOT),
        "home-probe-3e1",
        "clone-probe",
        "work-probe",
        login,
        "Gitname",
        "gp@probe.test",
        "stackwise-template-",  # the temporary copy of the template
        ".stackwise-",  # the staging folder
    }
    # The real home and host name too, unless too short to tell apart from a container's
    # paths (/root/.cache/uv in the Dockerfile) or any word.
    if len(Path.home().parts) > 2:
        facts.add(str(Path.home()))
    if len(socket.gethostname()) >= 4:
        facts.add(socket.gethostname())
    for name in ("installed", "from-clone"):
        project = work / name
        files = [
            path
            for path in project.rglob("*")
            if path.is_file() and ".git" not in path.relative_to(project).parts
        ]
        assert {"uv.lock", ".copier-answers.yml"} <= {path.name for path in files}
        for path in files:
            text = path.read_bytes().decode("utf-8", errors="replace")
            found = sorted(fact for fact in facts if fact in text)
            assert not found, f"{name}/{path.relative_to(project)} holds {found}"


# A project made once auth existed: it has the answer.
AUTH = {"auth": "none"}


@pytest.mark.parametrize(
    ("stored", "given", "changes"),
    [
        # A hybrid made before legacy_mount existed keeps its Flask app under /legacy.
        ({"framework": "hybrid", **AUTH}, {}, {"legacy_mount": "prefix"}),
        ({"framework": "hybrid", **AUTH}, {"legacy_mount": "root"}, {"legacy_mount": "root"}),
        ({"framework": "hybrid", "legacy_mount": "root", **AUTH}, {}, {}),
        # The question does not apply: nothing to keep.
        ({"framework": "fastapi", **AUTH}, {}, {}),
        ({"framework": "hybrid", **AUTH}, {"framework": "fastapi"}, {"framework": "fastapi"}),
        # A project made before auth existed keeps every endpoint open, whatever its purpose
        # would preselect now, unless --data gives a style.
        ({"framework": "fastapi", "purpose": "microservice"}, {}, {"auth": "none"}),
        ({"framework": "flask"}, {"auth": "apikey"}, {"auth": "apikey"}),
        ({"framework": "hybrid"}, {}, {"legacy_mount": "prefix", "auth": "none"}),
    ],
)
def test_an_answer_added_since_keeps_the_project_as_it_was(
    stored: dict[str, Any], given: dict[str, str], changes: dict[str, Any]
) -> None:
    from stackwise.update import changed_answers

    assert changed_answers({"project_name": "p", **stored}, given) == changes
