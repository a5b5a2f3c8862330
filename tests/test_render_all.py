"""scripts/render_all.py: its comparison of two rendered trees names every renamed, removed, added
and changed file with the number of combinations, and one render is copier's own project."""

from pathlib import Path
from types import ModuleType

import pytest

from tests.support.combinations import combination_id, supported
from tests.support.template import load_script


def render_all() -> ModuleType:
    return load_script("scripts/render_all.py")


def tree(root: Path, projects: dict[str, dict[str, str]]) -> Path:
    for name, files in projects.items():
        for path, text in files.items():
            (root / name / path).parent.mkdir(parents=True, exist_ok=True)
            (root / name / path).write_text(text)
    return root


def test_identical_trees(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    projects = {"a": {"x.py": "1"}, "b": {"x.py": "1", "sub/y.css": "2"}}
    before, after = tree(tmp_path / "before", projects), tree(tmp_path / "after", projects)
    assert render_all().compare(before, after) == 0
    assert "identical: every file of every combination" in capsys.readouterr().out


def test_every_difference_is_named_with_its_count(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = tree(
        tmp_path / "before",
        {
            "a": {"app.css": "css", "index.html": "<p>", "x.py": "1"},
            "b": {"app.css": "css", "x.py": "1", "gone.py": "0"},
        },
    )
    after = tree(
        tmp_path / "after",
        {
            "a": {"style.css": "css", "home.html": "<table>", "x.py": "2"},
            "b": {"style.css": "css", "x.py": "2", "new.py": "3"},
        },
    )
    assert render_all().compare(before, after) == 1
    lines = capsys.readouterr().out.splitlines()
    assert "renamed  app.css -> style.css: 2" in lines
    assert "removed  index.html: 1" in lines
    assert "added    home.html: 1" in lines
    assert "removed  gone.py: 1" in lines
    assert "added    new.py: 1" in lines
    assert "changed  x.py: 2" in lines


def test_one_render_is_the_project_copier_writes(tmp_path: Path) -> None:
    module = render_all()
    combination = supported(framework="hybrid", pages=True)[0]
    (tmp_path / "template").mkdir()
    template = module.plain_template(None, tmp_path / "template")
    dest = tmp_path / combination_id(combination)
    module.render_one(str(template), module.data_for(combination), str(dest))
    package = dest / "src" / "demo_app"
    assert (package / "legacy" / "templates" / "home.html").is_file()
    assert not (dest / "_shared").exists()
    answers = (dest / ".copier-answers.yml").read_text()
    assert "_src_path: template\n" in answers
    assert "asgi" not in answers
