"""Checking any bytes never raises, never fails inside a rule, and never points outside the file.

A short, deterministic run of the strategies of scripts/fuzz.py; `python scripts/fuzz.py` runs them longer,
each input in a child process, and saves what fails.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credlint.file_kinds import DOCKERFILE, DOTENV, JSON, NOTEBOOK, SYSTEMD, TEXT, YAML
from scripts.fuzz import SLOW_CHECKS, Case, problems, strategies

pytestmark = [
    pytest.mark.filterwarnings("ignore::SyntaxWarning"),  # hypothesmith's code may warn, e.g. `0()`
    # credlint raises the interpreter's recursion limit once, for good (budget.py); hypothesis says so.
    pytest.mark.filterwarnings("ignore:The recursion limit will not be reset"),
]


def ci(max_examples: int) -> settings:
    """A fixed budget with a fixed seed, so that CI runs the same inputs every time."""
    return settings(
        max_examples=max_examples, deadline=None, derandomize=True, database=None, suppress_health_check=SLOW_CHECKS
    )


@ci(80)
@given(strategies()["grammar"])
def test_valid_python_from_the_grammar(case: Case) -> None:
    assert problems(case) == []


@ci(20)
@given(strategies()["node"])
def test_valid_python_from_libcst_nodes(case: Case) -> None:
    assert problems(case) == []


@ci(300)
@given(strategies()["examples"])
def test_mutated_catalogue_examples(case: Case) -> None:
    assert problems(case) == []


@pytest.mark.parametrize("kind", [YAML, JSON, DOTENV, DOCKERFILE, SYSTEMD, NOTEBOOK, TEXT])
@ci(150)
@given(data=st.data())
def test_data_files_of_each_kind(kind: str, data: st.DataObject) -> None:
    assert problems(data.draw(strategies()[kind], label=kind)) == []
