"""Every rule page is a test: marked lines produce exactly their codes, other lines nothing."""

from __future__ import annotations

import pytest

from credlint.catalogue import REQUIRED_SECTIONS, examples, page_path, pages_directory, sections
from credlint.engine import lint_source
from credlint.registry import RULES

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


@pytest.mark.parametrize(
    "example", EXAMPLES, ids=lambda e: f"{e.page}:{e.first_line}"
)
def test_example_produces_exactly_the_marked_findings(example) -> None:
    result = lint_source(example.path, example.source.encode(), list(RULES.values()))
    found = sorted((finding.span.line, finding.code) for finding in result.findings)
    assert found == sorted(example.expected), f"{example.page} block at line {example.first_line}"
