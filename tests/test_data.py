"""The data files shipped in the package: each loads, matches its schema and names its source."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from credlint.data import load_data

DATA = resources.files("credlint.data")
NAMES = sorted(
    entry.name.removesuffix(".json")
    for entry in DATA.iterdir()
    if entry.name.endswith(".json") and not entry.name.endswith(".schema.json")
)
ROOT = Path(__file__).resolve().parent.parent


def test_there_is_data_to_check() -> None:
    assert "global_services" in NAMES and "retry_codes" in NAMES


@pytest.mark.parametrize("name", NAMES)
def test_data_file_matches_its_schema(name: str) -> None:
    document = json.loads(DATA.joinpath(f"{name}.json").read_text(encoding="utf-8"))
    schema = json.loads(DATA.joinpath(f"{name}.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(document)
    assert (ROOT / document["generated_by"]).is_file()
    assert load_data(name) == document["tables"]


@pytest.mark.parametrize("name", NAMES)
def test_schema_rejects_a_table_of_the_wrong_shape(name: str) -> None:
    document = json.loads(DATA.joinpath(f"{name}.json").read_text(encoding="utf-8"))
    schema = json.loads(DATA.joinpath(f"{name}.schema.json").read_text(encoding="utf-8"))
    document["tables"] = {"unexpected": True}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, schema)


def test_global_services_become_the_region_family_table() -> None:
    from credlint.checks.region.global_services import GLOBAL_SERVICES

    assert GLOBAL_SERVICES["s3"].regionalized and GLOBAL_SERVICES["s3"].region_name == "us-east-1 (forced)"
    assert GLOBAL_SERVICES["iam"].endpoint == "iam.amazonaws.com" and not GLOBAL_SERVICES["iam"].regionalized
    assert GLOBAL_SERVICES["codecatalyst"].signing_region is None
    assert "dynamodb" not in GLOBAL_SERVICES
