"""Every rule page is a test: marked lines produce exactly their codes, other lines nothing."""

from __future__ import annotations

import pytest

from credlint.catalogue import REQUIRED_SECTIONS, examples, page_path, pages_directory, sections
from credlint.engine import lint_source
from credlint.registry import RULES
from credlint.settings import DotenvCredential, RuleSettings

PAGES = sorted(pages_directory().glob("CL*.md"))
EXAMPLES = [example for page in PAGES for example in examples(page)]


def test_every_rule_has_exactly_one_page() -> None:
    for code in RULES:
        assert page_path(code) is not None, f"{code} has no page in rules/"
    assert {page.name.split("-")[0] for page in PAGES} == set(RULES)


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.stem)
def test_page_has_the_required_sections_in_order(page) -> None:
    found = [title for title in sections(page.read_text(encoding="utf-8")) if title in REQUIRED_SECTIONS]
    assert found == list(REQUIRED_SECTIONS)


@pytest.mark.parametrize("page", [p for p in PAGES if not p.name.startswith("CL000")], ids=lambda page: page.stem)
def test_page_example_flags_its_own_rule(page) -> None:
    code = page.name.split("-")[0]
    flagged = [e for e in examples(page) if e.section == "Example" and any(c == code for _, c in e.expected)]
    assert flagged, f"{page.name}: the Example section marks no line with {code}"


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: f"{e.page}:{e.first_line}")
def test_example_produces_exactly_the_marked_findings(example) -> None:
    settings = RuleSettings(
        root="/catalogue",
        dotenv_credentials=tuple(DotenvCredential(path, variable, line) for path, line, variable in example.dotenv),
    )
    result = lint_source(
        example.path, example.source.encode(), list(RULES.values()), kind=example.kind, settings=settings
    )
    found = sorted((finding.span.line, finding.code) for finding in result.findings)
    assert found == sorted(example.expected), f"{example.page} block at line {example.first_line}"


def test_installed_cli_agrees_with_every_page(tmp_path) -> None:
    """The same page examples, written to files and checked by the installed command."""
    import json

    from tests.conftest import run_cli

    expected = set()
    for number, example in enumerate(EXAMPLES):
        path = f"example_{number:03d}/{example.path}"
        target = tmp_path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(example.source)
        expected |= {(path, line, code) for line, code in example.expected}
        write_dotenv_files(target.parent, example.dotenv)
    # The dotenv files the blocks declare are deployment files too: CL205 reports their variables
    # and CL101 the real-shaped key written in them.
    expected |= {
        (f"example_{number:03d}/{path}", line, code)
        for number, example in enumerate(EXAMPLES)
        for path, line, _ in example.dotenv
        for code in ("CL205", "CL101")
    }
    result = run_cli(["check", "--format", "json", "."], cwd=tmp_path)
    document = json.loads(result.stdout)
    found = {(f["path"], f["line"], f["code"]) for f in document["findings"]}
    assert found == expected
    assert document["errors"] == []


def write_dotenv_files(directory, declared) -> None:
    """Each declared variable on its declared line, with a stand-in key that is not a fake word."""
    lines_by_file: dict[str, dict[int, str]] = {}
    for path, line, variable in declared:
        lines_by_file.setdefault(path, {})[line] = f"{variable}=AKIAQ7RWN3HV5D2KT4LM"
    for path, lines in lines_by_file.items():
        text = "\n".join(lines.get(number, "# setting") for number in range(1, max(lines) + 1)) + "\n"
        (directory / path).write_text(text)


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.stem)
def test_every_page_says_whether_its_fix_is_safe_unsafe_or_absent(page) -> None:
    text = page.read_text(encoding="utf-8")
    assert "\n## Fix safety\n" in text, f"{page.name} has no Fix safety section"
    first = text.split("\n## Fix safety\n", 1)[1].lstrip()
    assert first.startswith(("Safe", "Unsafe", "No fix")), page.name
