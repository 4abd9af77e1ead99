"""Jupyter notebooks: code cells through every Python rule at their lines in the .ipynb, Markdown
cells and outputs through the text rules, through the installed CLI."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli

KEY = "AKIAQ7RWN3HV5D2KT4LM"
OTHER_KEY = "AKIAZ5XJ4TQW7M2NB6PR"
SECRET = "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"


def notebook(*cells: dict, indent: int | None = 1) -> str:
    """A notebook as Jupyter writes it: sorted keys, one source line per JSON string."""
    document = {"cells": list(cells), "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(document, indent=indent, sort_keys=True) + "\n"


def code(*lines: str, outputs: list | None = None) -> dict:
    return {
        "cell_type": "code",
        "execution_count": 1,
        "metadata": {},
        "outputs": outputs or [],
        "source": [line + "\n" for line in lines[:-1]] + list(lines[-1:]),
    }


def markdown(*lines: str) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "source": [line + "\n" for line in lines]}


def stream(text: str) -> dict:
    return {"name": "stdout", "output_type": "stream", "text": [text]}


ANALYSIS = notebook(
    markdown("# Upload the report", "Keys come from the profile."),
    code("%pip install boto3", "import boto3", "!aws sts get-caller-identity", "buckets = !aws s3 ls", "boto3.client?"),
    code(
        "s3 = boto3.client('s3', region_name='eu-west-1',",
        f"                  aws_access_key_id='{KEY}', aws_secret_access_key='{SECRET}')",
        outputs=[stream(f"using key {OTHER_KEY}\n")],
    ),
    code("sqs = boto3.client('sqs')"),
)


def check(tmp_path: Path, name: str, text: str) -> tuple[int, list[dict], str]:
    (tmp_path / name).write_text(text)
    result = run_cli(["check", "--format", "json", "."], cwd=tmp_path)
    assert "Traceback" not in result.stderr, result.stderr
    document = json.loads(result.stdout)
    assert document["errors"] == []
    return result.returncode, document["findings"], result.stdout


def line_of(text: str, needle: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), start=1) if needle in line)


def test_code_cells_get_every_python_rule_at_their_line_in_the_file(tmp_path: Path) -> None:
    returncode, findings, output = check(tmp_path, "analysis.ipynb", ANALYSIS)
    key_line, client_line = line_of(ANALYSIS, KEY), line_of(ANALYSIS, "boto3.client('sqs')")
    found = {(f["line"], f["code"], f["message"].endswith(("(cell 3)", "(cell 4)"))) for f in findings}
    assert (key_line, "CL101", True) in found
    assert (key_line, "CL102", True) in found
    assert (client_line, "CL301", True) in found  # the region family runs on the cells too
    assert not [f for f in findings if f["code"] == "CL000"]  # IPython syntax is not a syntax error
    assert returncode == 1 and KEY not in output and SECRET not in output


def test_a_finding_points_at_the_key_in_the_ipynb_line(tmp_path: Path) -> None:
    _, findings, _ = check(tmp_path, "analysis.ipynb", ANALYSIS)
    key = next(f for f in findings if f["code"] == "CL101" and f["preview"] == "AKIA************T4LM")
    written = ANALYSIS.splitlines()[key["line"] - 1]
    assert written[key["column"] - 1 :].startswith(KEY)
    assert key["explanation"]["steps"][0]["line"] == line_of(ANALYSIS, "s3 = boto3.client")


def test_outputs_and_markdown_are_scanned_as_text(tmp_path: Path) -> None:
    text = notebook(markdown(f"Demo key: `{OTHER_KEY}`"), code("print(1)", outputs=[stream(f"{KEY}\n")]))
    _, findings, _ = check(tmp_path, "demo.ipynb", text)
    assert sorted((f["line"], f["code"], f["message"][-8:]) for f in findings) == [
        (line_of(text, OTHER_KEY), "CL101", "(cell 1)"),
        (line_of(text, KEY), "CL101", "(cell 2)"),
    ]


def test_a_code_line_is_reported_once_not_again_as_text(tmp_path: Path) -> None:
    text = notebook(code(f"KEY = '{KEY}'"))
    _, findings, _ = check(tmp_path, "one.ipynb", text)
    assert [(f["line"], f["code"]) for f in findings] == [(line_of(text, KEY), "CL101")]


def test_a_notebook_written_on_one_line_still_names_the_cell(tmp_path: Path) -> None:
    text = notebook(
        markdown("intro"), code("import boto3", f"boto3.client('s3', aws_access_key_id='{KEY}')"), indent=None
    )
    _, findings, _ = check(tmp_path, "flat.ipynb", text)
    assert {(f["line"], f["code"], f["message"][-8:]) for f in findings} >= {(1, "CL101", "(cell 2)")}


def test_a_suppression_in_a_cell_applies(tmp_path: Path) -> None:
    text = notebook(code(f"KEY = '{KEY}'  # credlint: ignore[CL101]"))
    returncode, findings, _ = check(tmp_path, "quiet.ipynb", text)
    assert findings == [] and returncode == 0


def test_a_broken_notebook_is_a_parse_error_and_costs_only_itself(tmp_path: Path) -> None:
    (tmp_path / "deploy.sh").write_text(f"export AWS_ACCESS_KEY_ID={KEY}\n")
    _, findings, _ = check(tmp_path, "broken.ipynb", '{\n "cells": [\n  {"cell_type": "code",\n')
    assert [(f["path"], f["code"]) for f in findings] == [("broken.ipynb", "CL000"), ("deploy.sh", "CL101")]
    assert "not valid JSON" in findings[0]["message"]


def test_a_syntax_error_in_a_cell_points_at_the_cell(tmp_path: Path) -> None:
    text = notebook(code("import boto3"), code("s3 = boto3.client('s3', region_name=)"))
    _, findings, _ = check(tmp_path, "typo.ipynb", text)
    assert [(f["line"], f["code"], f["message"][-8:]) for f in findings] == [
        (line_of(text, "region_name=)"), "CL000", "(cell 2)")
    ]
    assert "cell" in findings[0]["explanation"]["summary"]


def test_a_cell_that_ends_mid_expression_is_reported_inside_the_file(tmp_path: Path) -> None:
    text = notebook(code("import boto3"), code("s3 = boto3.client('s3',"), markdown("Done."))
    _, findings, _ = check(tmp_path, "unfinished.ipynb", text)
    assert [(f["code"], f["message"][-8:]) for f in findings] == [("CL000", "(cell 2)")]
    assert findings[0]["line"] == line_of(text, "boto3.client('s3',")


def test_magics_continued_over_lines_and_automagic_installs_are_not_python(tmp_path: Path) -> None:
    text = notebook(
        code("!pip install --upgrade \\", "    boto3 \\", "    sagemaker", "pip install igraph networkx"),
        code("%pip install -q \\", "  awswrangler", "import boto3", "sqs = boto3.client('sqs')"),
    )
    _, findings, _ = check(tmp_path, "setup.ipynb", text)
    assert [(f["code"], f["line"]) for f in findings] == [("CL301", line_of(text, "boto3.client('sqs')"))]
