"""CL202 through attributes: `self.key`, settings classes and objects, pydantic-settings fields."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from credlint.engine import PartMemo, lint_source
from credlint.finding import Finding
from credlint.registry import RULES
from tests.conftest import run_cli


def findings(code: str) -> list[Finding]:
    return list(lint_source("app.py", textwrap.dedent(code).encode(), [RULES["CL202"]]).findings)


def cl202(code: str) -> list[int]:
    return [finding.span.line for finding in findings(code)]


FLAGGED = {
    "self attributes set in __init__, read in another method": (
        """
        import os
        import boto3
        class Uploader:
            def __init__(self):
                self.key = os.environ["AWS_ACCESS_KEY_ID"]
                self.secret = os.getenv("AWS_SECRET_ACCESS_KEY")
            def client(self):
                return boto3.client("s3", aws_access_key_id=self.key, aws_secret_access_key=self.secret)
        """,
        [9],
    ),
    "a class attribute, through an instance and through the class": (
        """
        import os
        import boto3
        class Settings:
            AWS_KEY = os.environ["UPLOADER_KEY"]
            AWS_SECRET = os.environ.get("UPLOADER_SECRET")
            REGION = "eu-west-1"
        settings = Settings()
        a = boto3.client("s3", region_name=settings.REGION, aws_access_key_id=settings.AWS_KEY)
        b = boto3.client("s3", aws_access_key_id=Settings.AWS_KEY, aws_secret_access_key=Settings.AWS_SECRET)
        """,
        [9, 10],
    ),
    "an instance whose __init__ reads the environment, the value cleaned up in place": (
        """
        import os
        import boto3
        class Config:
            def __init__(self, region="eu-west-1"):
                self.region = region
                self.key = os.environ.get("KEY_ID", "")
                self.key = self.key.strip()
        config = Config()
        boto3.client("s3", region_name=config.region, aws_access_key_id=config.key)
        """,
        [10],
    ),
    "pairs unpacked together, a dict held in an attribute": (
        """
        import json
        import os
        import boto3
        class Job:
            def __init__(self):
                self.key, self.secret = os.environ["K"], os.environ["S"]
                self.creds = json.loads(os.environ["CREDS_JSON"])
            def run(self):
                boto3.client("s3", aws_access_key_id=self.key, aws_secret_access_key=self.secret)
                boto3.client("s3", aws_access_key_id=self.creds["key"], aws_secret_access_key=self.creds["secret"])
        """,
        [10, 11],
    ),
    "a property, a base class's attribute, an attribute holding the settings": (
        """
        import os
        import boto3
        class Base:
            def __init__(self):
                self.key = os.environ["K"]
        class Worker(Base):
            def client(self):
                return boto3.client("s3", aws_access_key_id=self.key)
        class Settings:
            @property
            def secret(self):
                return os.environ["S"]
        class Service:
            def __init__(self):
                self.settings = Settings()
            def client(self):
                return boto3.client("s3", aws_secret_access_key=self.settings.secret)
        """,
        [9, 18],
    ),
    "a dataclass default, on an object built without that field": (
        """
        import os
        from dataclasses import dataclass
        import boto3
        @dataclass
        class Creds:
            key: str = os.environ.get("K")
            region: str = "eu-west-1"
        creds = Creds(region="us-east-1")
        boto3.client("s3", aws_access_key_id=creds.key)
        """,
        [10],
    ),
    "pydantic-settings fields, through an lru_cache helper": (
        """
        from functools import lru_cache
        import boto3
        from pydantic_settings import BaseSettings
        class Settings(BaseSettings):
            aws_access_key_id: str
            aws_secret_access_key: str = ""
        @lru_cache
        def get_settings():
            return Settings()
        settings = get_settings()
        boto3.client("s3", aws_access_key_id=settings.aws_access_key_id, aws_secret_access_key=settings.aws_secret_access_key)
        boto3.client("s3", aws_access_key_id=get_settings().aws_access_key_id)
        """,
        [12, 13],
    ),
}


@pytest.mark.parametrize("code, expected", FLAGGED.values(), ids=FLAGGED.keys())
def test_attributes_that_hold_environment_reads_are_flagged(code: str, expected: list[int]) -> None:
    assert cl202(code) == expected


NOT_FLAGGED = {
    "self.key from a parameter in one method and from the environment in another": """
        import os
        import boto3
        class Archive:
            def __init__(self, key):
                self.key = key
            def from_environment(self):
                self.key = os.environ["AWS_ACCESS_KEY_ID"]
            def client(self):
                return boto3.client("s3", aws_access_key_id=self.key)
        """,
    "an assignment that may keep another value": """
        import os
        import boto3
        class Uploader:
            def __init__(self, key=None):
                self.key = os.environ["K"]
                self.key = self.key or key
            def client(self):
                return boto3.client("s3", aws_access_key_id=self.key)
        """,
    "reset to None somewhere": """
        import os
        import boto3
        class Uploader:
            def __init__(self):
                self.key = os.environ["K"]
            def close(self):
                self.key = None
            def client(self):
                return boto3.client("s3", aws_access_key_id=self.key)
        """,
    "a settings attribute assigned a literal, and a region read from the environment": """
        import os
        import boto3
        class Settings:
            REGION = os.environ["AWS_REGION"]
            KEY = "not-from-the-environment"
        settings = Settings()
        boto3.client("s3", region_name=settings.REGION, aws_access_key_id=settings.KEY)
        """,
    "a class attribute assigned something else under a condition": """
        import os
        import boto3
        class Settings:
            KEY = os.environ["K"]
            if os.environ.get("DEBUG"):
                KEY = "local-key"
        boto3.client("s3", aws_access_key_id=Settings.KEY)
        """,
    "a class attribute replaced on the instance with something else": """
        import os
        import boto3
        class Settings:
            KEY = os.environ["K"]
        settings = Settings()
        settings.KEY = fetch_key()
        boto3.client("s3", aws_access_key_id=settings.KEY)
        """,
    "the same attribute name on an object of another class": """
        import os
        import boto3
        class FromEnvironment:
            def __init__(self):
                self.key = os.environ["K"]
        class FromCaller:
            def __init__(self, key):
                self.key = key
            def client(self):
                return boto3.client("s3", aws_access_key_id=self.key)
        """,
    "an object whose origin is not visible": """
        import os
        import boto3
        class Config:
            def __init__(self):
                self.key = os.environ["K"]
        def client(config):
            return boto3.client("s3", aws_access_key_id=config.key)
        """,
    "the attribute also written on an object of unknown origin": """
        import os
        import boto3
        class Config:
            def __init__(self):
                self.key = os.environ["K"]
        def configure(target, key):
            target.key = key
        config = Config()
        boto3.client("s3", aws_access_key_id=config.key)
        """,
    "setattr with a computed name": """
        import os
        import boto3
        class Config:
            def __init__(self, **values):
                self.key = os.environ["K"]
                for name, value in values.items():
                    setattr(self, name, value)
        config = Config(key="x")
        boto3.client("s3", aws_access_key_id=config.key)
        """,
    "a dataclass field, on objects built out of sight or given the field": """
        import os
        from dataclasses import dataclass
        import boto3
        @dataclass
        class Creds:
            key: str = os.environ.get("K")
            def client(self):
                return boto3.client("s3", aws_access_key_id=self.key)
        given = Creds("AKIA-from-the-caller")
        boto3.client("s3", aws_access_key_id=given.key)
        """,
    "a pydantic-settings object given the field": """
        import boto3
        from pydantic_settings import BaseSettings
        class Settings(BaseSettings):
            aws_access_key_id: str
        settings = Settings(aws_access_key_id=key_from_vault())
        boto3.client("s3", aws_access_key_id=settings.aws_access_key_id)
        """,
    "a plain class's annotation without a value, and a pydantic model that is not settings": """
        import boto3
        from pydantic import BaseModel
        class Declared:
            key: str
        class Model(BaseModel):
            key: str
        declared = Declared()
        model = Model()
        boto3.client("s3", aws_access_key_id=declared.key, aws_secret_access_key=model.key)
        """,
    "a staticmethod's first parameter is not self, a method is not a value": """
        import os
        import boto3
        class Factory:
            key = os.environ["K"]
            @staticmethod
            def client(self):
                return boto3.client("s3", aws_access_key_id=self.key)
            def secret(self):
                return os.environ["S"]
        factory = Factory()
        boto3.client("s3", aws_secret_access_key=factory.secret)
        """,
    "Django settings": """
        import boto3
        from django.conf import settings
        boto3.client("s3", aws_access_key_id=settings.AWS_ACCESS_KEY_ID, aws_secret_access_key=settings.AWS_SECRET_ACCESS_KEY)
        """,
    "botocore's own variable, passed only where the attribute is set": """
        import os
        import boto3
        class Uploader:
            def __init__(self):
                self.key = os.environ.get("AWS_ACCESS_KEY_ID")
                self.secret = os.environ.get("AWS_SECRET_ACCESS_KEY")
            def client(self):
                if self.key:
                    return boto3.client("s3", aws_access_key_id=self.key, aws_secret_access_key=self.secret)
                return boto3.client("s3")
        """,
    "temporary credentials kept in an attribute": """
        import os
        import boto3
        class CrossAccount:
            def __init__(self):
                sts = boto3.client("sts")
                self.creds = sts.assume_role(RoleArn=os.environ["ROLE_ARN"], RoleSessionName="x")["Credentials"]
            def client(self):
                return boto3.client(
                    "s3",
                    aws_access_key_id=self.creds["AccessKeyId"],
                    aws_secret_access_key=self.creds["SecretAccessKey"],
                    aws_session_token=self.creds["SessionToken"],
                )
        """,
}


@pytest.mark.parametrize("code", NOT_FLAGGED.values(), ids=NOT_FLAGGED.keys())
def test_attributes_given_anything_else_are_not_flagged(code: str) -> None:
    assert cl202(code) == []


def test_a_pydantic_settings_field_names_its_variable_with_prefix_or_alias() -> None:
    code = """
        import boto3
        from pydantic import Field
        from pydantic_settings import BaseSettings, SettingsConfigDict
        class Settings(BaseSettings):
            model_config = SettingsConfigDict(env_prefix="uploader_")
            key_id: str
            secret: str = Field(default=None, alias="UPLOADER_SECRET_KEY")
        class Legacy(BaseSettings):
            class Config:
                env_prefix = "LEGACY_"
            key_id: str = Field(..., env="OLD_KEY_ID")
        settings = Settings()
        legacy = Legacy()
        boto3.client("s3", aws_access_key_id=settings.key_id, aws_secret_access_key=settings.secret)
        boto3.client("s3", aws_access_key_id=legacy.key_id)
        """
    first, second = findings(code)
    assert first.message == (
        "Credentials read from the environment (UPLOADER_KEY_ID, UPLOADER_SECRET_KEY) passed explicitly as "
        "aws_access_key_id, aws_secret_access_key to boto3.client('s3'): explicit keys win over profile_name "
        "and every role"
    )
    # The alias is optional with a None default: a missing variable gives None.
    assert "A missing variable becomes None" in first.explanation.runtime
    assert "(OLD_KEY_ID)" in second.message
    assert "Reading a missing variable raises" in second.explanation.runtime


def test_botocore_own_variables_through_self_are_called_redundant() -> None:
    (finding,) = findings(FLAGGED["self attributes set in __init__, read in another method"][0])
    assert finding.message == (
        "Credentials read from the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY) passed explicitly as "
        "aws_access_key_id, aws_secret_access_key to boto3.client('s3'): botocore reads these variables itself, "
        "and explicit keys hide profile_name and every role"
    )
    assert (finding.span.line, finding.span.column) == (9, 35)


def test_a_stand_in_default_in_an_attribute_is_info() -> None:
    code = """
        import os
        import boto3
        class Local:
            def __init__(self):
                self.key = os.environ.get("K", "testing")
            def client(self):
                return boto3.client("s3", aws_access_key_id=self.key)
        """
    assert [finding.severity.value for finding in findings(code)] == ["info"]


UPLOADER = """\
import os

import boto3


class Uploader:
    def __init__(self):
        self.bucket = "media"
        self.key = os.environ["UPLOADER_KEY_ID"]
        self.secret = os.environ["UPLOADER_SECRET"]

    def upload(self, path):
        self.client().upload_file(path, self.bucket, path)

    def client(self):
        return boto3.client("s3", aws_access_key_id=self.key, aws_secret_access_key=self.secret)


class Mirror:
    def __init__(self, key):
        self.key = key

    def client(self):
        return boto3.client("s3", aws_access_key_id=self.key)
"""


@pytest.mark.parametrize("code, expected", FLAGGED.values(), ids=FLAGGED.keys())
def test_part_by_part_checking_keeps_the_methods_that_set_the_attributes(code: str, expected: list[int]) -> None:
    """The language server checks one part of a module at a time: a client call's part must bring
    the methods that assign the attributes it reads (CL202 looks attributes up by member)."""
    source = textwrap.dedent(code).encode()
    found = lint_source("app.py", source, [RULES["CL202"]], memo=PartMemo()).findings
    assert [finding.span.line for finding in found] == expected


def test_the_installed_cli_follows_self_into_a_method_it_does_not_report_in(tmp_path: Path) -> None:
    """The slice of the module the rule reads keeps __init__, which sets the attributes."""
    (tmp_path / "pyproject.toml").write_text("[tool.credlint]\n")
    (tmp_path / "uploader.py").write_text(UPLOADER)
    result = run_cli(["check", "--format", "json", "--select", "CL202", "."], cwd=tmp_path)
    assert "Traceback" not in result.stderr, result.stderr
    document = json.loads(result.stdout)
    assert [(f["path"], f["line"], f["code"]) for f in document["findings"]] == [("uploader.py", 16, "CL202")]
    assert "(UPLOADER_KEY_ID, UPLOADER_SECRET)" in document["findings"][0]["message"]
    assert result.returncode == 1
