"""The documentation: every relative link of the README, docs/ and benchmarks/README.md points at
a file that exists (and a heading that exists, for a link with an anchor), and the architecture
document names every module of the generator, and no other."""

import re
from pathlib import Path

import pytest

from tests.support.template import ROOT

DOCUMENTS = sorted(
    [ROOT / "README.md", ROOT / "benchmarks" / "README.md", *(ROOT / "docs").glob("*.md")]
)
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
FENCED = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
INLINE_CODE = re.compile(r"`[^`\n]*`")


def prose(document: Path) -> str:
    """The document without its code: a link in a code block or span is not a link."""
    return INLINE_CODE.sub("", FENCED.sub("", document.read_text(encoding="utf-8")))


def anchors(document: Path) -> set[str]:
    """The anchors GitHub gives the document's headings: lower case, punctuation dropped, spaces
    as hyphens, and -1, -2... after a repeated one."""
    found: set[str] = set()
    for heading in re.findall(
        r"^#+ (.+)$", FENCED.sub("", document.read_text(encoding="utf-8")), re.MULTILINE
    ):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        candidate, number = slug, 0
        while candidate in found:
            number += 1
            candidate = f"{slug}-{number}"
        found.add(candidate)
    return found


def relative_links(document: Path) -> list[str]:
    return [
        target
        for target in LINK.findall(prose(document))
        if not re.match(r"[a-z][a-z0-9+.-]*:", target)  # https:, mailto:...
    ]


def test_the_documents_are_found() -> None:
    names = {str(document.relative_to(ROOT)) for document in DOCUMENTS}
    assert {"README.md", "benchmarks/README.md", "docs/testing.md"} <= names


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda d: str(d.relative_to(ROOT)))
def test_every_relative_link_resolves(document: Path) -> None:
    for target in relative_links(document):
        path, _, anchor = target.partition("#")
        linked = (document.parent / path).resolve() if path else document
        assert linked.exists(), f"{target}: no such file"
        assert linked.is_relative_to(ROOT), f"{target}: outside the repository"
        if anchor:
            assert linked.suffix == ".md", f"{target}: an anchor in a file that is not markdown"
            assert anchor in anchors(linked), f"{target}: no such heading"


def test_the_anchors_are_githubs() -> None:
    document = ROOT / "docs" / "deployment.md"
    assert "what-was-verified-and-how" in anchors(document)
    assert "how-the-app-behaves-there" in anchors(document)


def test_the_architecture_names_every_module_of_the_generator() -> None:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = text.partition("## The generator")[2]
    named = set(re.findall(r"`([a-z_]+\.py)`", section))
    modules = {
        path.name
        for path in (ROOT / "generator" / "stackwise").glob("*.py")
        if not path.name.startswith("__")
    }
    assert named == modules
