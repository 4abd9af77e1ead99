"""The region family (CL301-CL303): shapes flagged and not, explanations, project-level declarations."""

from __future__ import annotations

import dataclasses
import json
import textwrap
from pathlib import Path

import pytest

from credlint.deployment.declared_region import declaration_line, find_declared_region
from credlint.engine import lint_source
from credlint.finding import Finding, Severity
from credlint.registry import RULES
from credlint.settings import RuleSettings
from tests.conftest import run_cli

REGION_CODES = ("CL301", "CL302", "CL303")
REGION_RULES = [RULES[code] for code in REGION_CODES]


NO_SETTINGS = RuleSettings()


def region_findings(code: str, settings: RuleSettings = NO_SETTINGS) -> list[Finding]:
    source = textwrap.dedent(code).encode()
    return list(lint_source("app.py", source, REGION_RULES, settings=settings).findings)


def region_codes(code: str) -> list[tuple[int, str]]:
    return [(finding.span.line, finding.code) for finding in region_findings(code)]


FLAGGED = {
    "AWS_DEFAULT_REGION written in another class's setUp": (
        "import os, unittest, boto3\nclass A(unittest.TestCase):\n    def setUp(self):\n"
        "        os.environ['AWS_DEFAULT_REGION'] = 'x'\nclass B(unittest.TestCase):\n"
        "    def test_queue(self):\n        boto3.client('sqs')\n",
        [(7, "CL301")],
    ),
    "main runs, then configures": (
        "import os, boto3\ndef configure():\n    os.environ['AWS_DEFAULT_REGION'] = 'x'\n"
        "def run():\n    return boto3.client('sqs')\ndef main():\n    run()\n    configure()\n",
        [(5, "CL301")],
    ),
    "AWS_DEFAULT_REGION written after the client": (
        'import os, boto3\nsqs = boto3.client("sqs")\nos.environ["AWS_DEFAULT_REGION"] = "eu-west-1"\n',
        [(2, "CL301")],
    ),
    "AWS_DEFAULT_REGION written in a sibling function": (
        "import os, boto3\ndef configure():\n    os.environ['AWS_DEFAULT_REGION'] = 'x'\n"
        "def make():\n    return boto3.client('sqs')\n",
        [(5, "CL301")],
    ),
    "AWS_DEFAULT_REGION written in a function the module-level client does not wait for": (
        "import os, boto3\ndef configure():\n    os.environ['AWS_DEFAULT_REGION'] = 'x'\nsqs = boto3.client('sqs')\n",
        [(4, "CL301")],
    ),
    "AWS_DEFAULT_REGION written after the call that makes the client": (
        "import os, boto3\ndef make():\n    return boto3.client('sqs')\n"
        "def main():\n    sqs = make()\n    os.environ['AWS_DEFAULT_REGION'] = 'x'\n",
        [(3, "CL301")],
    ),
    "dotenv loaded after the client": (
        "import boto3\nfrom dotenv import load_dotenv\ndef main():\n    sqs = boto3.client('sqs')\n    load_dotenv()\n",
        [(4, "CL301")],
    ),
    "default session set up after the client": (
        'import boto3\nsqs = boto3.client("sqs")\nboto3.setup_default_session(region_name="eu-west-1")\n',
        [(2, "CL301")],
    ),
    "module factory": ('import boto3\nboto3.client("sqs")\n', [(2, "CL301")]),
    "aliased module": ('import boto3 as b3\nb3.resource("dynamodb")\n', [(2, "CL301")]),
    "aliased factory": ('from boto3 import client as make\nmake("ec2")\n', [(2, "CL301")]),
    "service by keyword": ('import boto3\nboto3.client(service_name="lambda")\n', [(2, "CL301")]),
    "service from a constant": ('import boto3\nSERVICE = "kinesis"\nboto3.client(SERVICE)\n', [(3, "CL301")]),
    "region None": ('import boto3\nboto3.client("sqs", region_name=None)\n', [(2, "CL301")]),
    "positional None": ('import boto3\nboto3.client("sqs", None)\n', [(2, "CL301")]),
    "constant None": ('import boto3\nREGION = None\nboto3.client("sqs", region_name=REGION)\n', [(3, "CL301")]),
    "literal kwargs without region": (
        'import boto3\nOPTIONS = {"endpoint_url": "http://localhost:4566"}\nboto3.client("sqs", **OPTIONS)\n',
        [(3, "CL301")],
    ),
    "endpoint_url does not avoid NoRegionError": (
        'import boto3\nboto3.client("sqs", endpoint_url="http://localhost:4566")\n',
        [(2, "CL301")],
    ),
    "config without region, elsewhere": (
        "import boto3\nfrom botocore.config import Config\n"
        'def make():\n    return boto3.client("sqs", config=RETRIES)\n'
        'RETRIES = Config(retries={"mode": "adaptive"})\n',
        [(4, "CL301")],
    ),
    "botocore.client.Config alias": (
        'import boto3\nfrom botocore.client import Config as C\nboto3.client("sqs", config=C(read_timeout=5))\n',
        [(3, "CL301")],
    ),
    "session reused across functions": (
        'import boto3\nSESSION = boto3.Session()\ndef a():\n    return SESSION.client("sns")\n'
        'def b():\n    return SESSION.resource("sqs")\n',
        [(4, "CL301"), (6, "CL301")],
    ),
    "session chained": ('from boto3.session import Session\nSession().client("ecs")\n', [(2, "CL301")]),
    "session with credentials but no region": (
        'import os, boto3\ns = boto3.Session(aws_access_key_id=os.environ["K"])\ns.client("sqs")\n',
        [(3, "CL301")],
    ),
    "default session set up without region": (
        'import boto3\nboto3.setup_default_session(aws_access_key_id="x")\nboto3.client("sqs")\n',
        [(3, "CL301")],
    ),
    "botocore session": (
        'import botocore.session\nbotocore.session.get_session().create_client("sqs")\n',
        [(2, "CL301")],
    ),
    "aiobotocore": (
        "from aiobotocore.session import AioSession\n"
        'async def f():\n    async with AioSession().create_client("sqs") as c:\n        pass\n',
        [(3, "CL301")],
    ),
    "aioboto3 session variable": (
        'import aioboto3\nsession = aioboto3.Session()\nasync def f():\n    async with session.resource("dynamodb") as d:\n        pass\n',
        [(4, "CL301")],
    ),
    "global service s3": ('import boto3\nboto3.client("s3")\n', [(2, "CL302")]),
    "global service iam": ('import boto3\nboto3.client("iam")\n', [(2, "CL302")]),
    "AWS_REGION only": (
        'import os, boto3\nos.environ["AWS_REGION"] = "eu-west-1"\nboto3.client("sqs")\n',
        [(2, "CL303"), (3, "CL301")],
    ),
    "AWS_REGION through patch.dict": (
        "import os, boto3\nfrom unittest import mock\n"
        '@mock.patch.dict(os.environ, {"AWS_REGION": "eu-west-1"})\ndef test():\n    boto3.client("s3")\n',
        [(3, "CL303"), (5, "CL302")],
    ),
    "AWS_REGION through monkeypatch": (
        'import boto3\ndef test(monkeypatch):\n    monkeypatch.setenv("AWS_REGION", "eu-west-1")\n    boto3.client("sqs")\n',
        [(3, "CL303"), (4, "CL301")],
    ),
    "os.putenv does not reach os.environ": (
        'import os, boto3\nos.putenv("AWS_DEFAULT_REGION", "eu-west-1")\nboto3.client("sqs")\n',
        [(3, "CL301")],
    ),
}


@pytest.mark.parametrize("code,expected", FLAGGED.values(), ids=FLAGGED.keys())
def test_flagged(code: str, expected: list[tuple[int, str]]) -> None:
    assert region_codes(code) == expected


NOT_FLAGGED = {
    "region keyword": 'import boto3\nboto3.client("sqs", region_name="eu-west-1")\n',
    "region positional": 'import boto3\nboto3.client("sqs", "eu-west-1")\n',
    "region variable": 'import boto3, os\nboto3.client("sqs", region_name=os.environ["R"])\n',
    "region parameter": 'import boto3\ndef make(region=None):\n    return boto3.client("sqs", region_name=region)\n',
    "unknown kwargs": 'import boto3\ndef make(**kwargs):\n    return boto3.client("sqs", **kwargs)\n',
    "star args": 'import boto3\ndef make(*args):\n    return boto3.client("sqs", *args)\n',
    "literal kwargs with region": 'import boto3\nO = {"region_name": "eu-west-1"}\nboto3.client("sqs", **O)\n',
    "kwargs given the region after they are built": (
        "import boto3\ndef make(region=None):\n    kw = {}\n    if region:\n        kw['region_name'] = region\n"
        "    return boto3.Session(**kw).client('glue')\n"
        "def other(region):\n    options = {'use_ssl': True}\n    options.update(region_name=region)\n"
        "    return boto3.client('sqs', **options)\n"
    ),
    "config with region": 'import boto3\nfrom botocore.config import Config\nboto3.client("sqs", config=Config(region_name="eu-west-1"))\n',
    "config positional region": 'import boto3\nfrom botocore.config import Config\nboto3.client("sqs", config=Config("eu-west-1"))\n',
    "config from a parameter": 'import boto3\ndef make(config):\n    return boto3.client("sqs", config=config)\n',
    "config merged": (
        "import boto3\nfrom botocore.config import Config\n"
        'boto3.client("sqs", config=Config(read_timeout=5).merge(Config(region_name="eu-west-1")))\n'
    ),
    "config bound twice": (
        "import boto3\nfrom botocore.config import Config\nimport os\n"
        'c = Config()\nif os.environ.get("X"):\n    c = Config(region_name="eu-west-1")\nboto3.client("sqs", config=c)\n'
    ),
    "session with region": 'import boto3\nboto3.Session(region_name="eu-west-1").client("sqs")\n',
    "session with region positional": 'import boto3\nboto3.Session(None, None, None, "eu-west-1").client("sqs")\n',
    "session with profile": 'import boto3\nboto3.Session(profile_name="ops").client("sqs")\n',
    "session from a parameter": 'def make(session):\n    return session.client("sqs")\n',
    "session attribute": 'class A:\n    def make(self):\n        return self.session.client("sqs")\n',
    "session from a helper": 'import boto3\ndef new():\n    return boto3.Session()\ns = new()\ns.client("sqs")\n',
    "session chosen at runtime": (
        'import boto3, os\ns = boto3.Session()\nif os.environ.get("R"):\n    s = boto3.Session(region_name="eu-west-1")\n'
        's.client("sqs")\n'
    ),
    "botocore session with region set late": (
        'import botocore.session\ns = botocore.session.get_session()\ns.set_config_variable("region", "eu-west-1")\n'
        's.create_client("sqs")\n'
    ),
    "botocore session with a profile": 'import botocore.session\nbotocore.session.Session(profile="ops").create_client("sqs")\n',
    "default session with region": 'import boto3\nboto3.setup_default_session(region_name="eu-west-1")\nboto3.client("sqs")\n',
    "default session replaced": 'import boto3\nboto3.DEFAULT_SESSION = make_session()\nboto3.client("sqs")\n',
    "AWS_DEFAULT_REGION item": 'import os, boto3\nos.environ["AWS_DEFAULT_REGION"] = "eu-west-1"\nboto3.client("sqs")\n',
    "AWS_DEFAULT_REGION from environ import": (
        'from os import environ\nimport boto3\nenviron["AWS_DEFAULT_REGION"] = "eu-west-1"\nboto3.client("sqs")\n'
    ),
    "AWS_DEFAULT_REGION setdefault later in the module": (
        'import os, boto3\ndef make():\n    return boto3.client("sqs")\nos.environ.setdefault("AWS_DEFAULT_REGION", "eu-west-1")\n'
    ),
    "AWS_DEFAULT_REGION update keyword": 'import os, boto3\nos.environ.update(AWS_DEFAULT_REGION="eu-west-1")\nboto3.client("sqs")\n',
    "AWS_DEFAULT_REGION patch.dict string target": (
        "import boto3\nfrom unittest.mock import patch\n"
        '@patch.dict("os.environ", {"AWS_DEFAULT_REGION": "eu-west-1"})\ndef test():\n    boto3.client("sqs")\n'
    ),
    "AWS_DEFAULT_REGION written before a helper makes the client": (
        "import os, boto3\ndef make():\n    return boto3.client('sqs')\n"
        "def main():\n    os.environ['AWS_DEFAULT_REGION'] = 'x'\n    run()\ndef run():\n    make()\n"
    ),
    "AWS_DEFAULT_REGION written before a method makes the client": (
        "import os, boto3\nclass Worker:\n    def start(self):\n        os.environ['AWS_DEFAULT_REGION'] = 'x'\n"
        "        self.sqs = self.connect()\n    def connect(self):\n        return boto3.client('sqs')\n"
    ),
    "dotenv loaded first in the function": (
        "import boto3\nfrom dotenv import load_dotenv\ndef main():\n    load_dotenv()\n    sqs = boto3.client('sqs')\n"
    ),
    "default session set up in main before a helper": (
        "import boto3\ndef make():\n    return boto3.client('sqs')\n"
        "def main():\n    boto3.setup_default_session(region_name='eu-west-1')\n    make()\n"
    ),
    "AWS_DEFAULT_REGION written by a function called first": (
        "import os, boto3\ndef configure():\n    os.environ['AWS_DEFAULT_REGION'] = 'x'\n"
        "def make():\n    configure()\n    return boto3.client('sqs')\nconfigure()\nsqs = boto3.client('sqs')\n"
    ),
    "AWS_DEFAULT_REGION written by a fixture the test names": (
        "import os, boto3, pytest\n@pytest.fixture\ndef aws_credentials():\n    os.environ['AWS_DEFAULT_REGION'] = 'x'\n"
        "@pytest.fixture\ndef ddb(aws_credentials):\n    yield boto3.client('dynamodb')\n"
        "@pytest.mark.usefixtures('aws_credentials')\ndef test_tables():\n    boto3.client('dynamodb')\n"
    ),
    "AWS_DEFAULT_REGION written by an autouse fixture": (
        "import os, boto3, pytest\n@pytest.fixture(autouse=True)\ndef region():\n    os.environ['AWS_DEFAULT_REGION'] = 'x'\n"
        "def test_queue():\n    boto3.client('sqs')\n"
    ),
    "AWS_DEFAULT_REGION written in setUp": (
        "import os, unittest, boto3\nclass T(unittest.TestCase):\n    def setUp(self):\n"
        "        os.environ['AWS_DEFAULT_REGION'] = 'x'\n    def test_queue(self):\n        boto3.client('sqs')\n"
    ),
    "AWS_DEFAULT_REGION written in the constructor": (
        "import os, boto3\nclass Worker:\n    def __init__(self):\n        os.environ['AWS_DEFAULT_REGION'] = 'x'\n"
        "    def run(self):\n        return boto3.client('sqs')\n"
    ),
    "main configures, then runs": (
        "import os, boto3\ndef configure():\n    os.environ['AWS_DEFAULT_REGION'] = 'x'\n"
        "def run():\n    return boto3.client('sqs')\ndef main():\n    configure()\n    run()\n"
    ),
    "AWS_DEFAULT_REGION monkeypatch": (
        'import boto3\ndef test(monkeypatch):\n    monkeypatch.setenv("AWS_DEFAULT_REGION", "x")\n    boto3.client("sqs")\n'
    ),
    "environment filled from data": 'import os, boto3\nfor k, v in load().items():\n    os.environ[k] = v\nboto3.client("sqs")\n',
    "environment updated from a mapping": 'import os, boto3\nos.environ.update(load())\nboto3.client("sqs")\n',
    "dotenv": 'import boto3\nfrom dotenv import load_dotenv\nload_dotenv()\nboto3.client("sqs")\n',
    "NoRegionError caught": (
        'import boto3, botocore.exceptions\ntry:\n    c = boto3.client("sqs")\n'
        "except (ValueError, botocore.exceptions.NoRegionError):\n    c = None\n"
    ),
    "service from a parameter": "import boto3\ndef make(service):\n    return boto3.client(service)\n",
    "global service with endpoint_url": 'import boto3\nboto3.client("s3", endpoint_url="http://localhost:9000")\n',
    "not the SDK": 'import httpx\nhttpx.Client("sqs")\nclient("sqs")\n',
    "AWS_REGION with clients that have regions": (
        'import os, boto3\nos.environ["AWS_REGION"] = "eu-west-1"\nboto3.client("sqs", region_name="eu-west-1")\n'
    ),
    "AWS_REGION in a subprocess environment": (
        'import subprocess, boto3\nsubprocess.run(["node"], env={"AWS_REGION": "x"})\nboto3.client("sqs", region_name="x")\n'
    ),
    "both variables": 'import os, boto3\nos.environ.update({"AWS_REGION": "x", "AWS_DEFAULT_REGION": "x"})\nboto3.client("sqs")\n',
}


@pytest.mark.parametrize("code", NOT_FLAGGED.values(), ids=NOT_FLAGGED.keys())
def test_not_flagged(code: str) -> None:
    assert region_codes(code) == []


def test_regional_explanation_walks_the_chain_and_ends_with_no_region_error() -> None:
    code = """
        import boto3
        from botocore.config import Config

        CONFIG = Config(retries={"mode": "standard"})
        session = boto3.Session()

        def queue():
            return session.client("sqs", config=CONFIG)
    """
    (finding,) = region_findings(code)
    assert finding.message.startswith("session.client('sqs') is created with no region in code")
    explanation = finding.explanation
    assert explanation.chain == "region"
    rows = [(step.position, step.method, step.status, step.line) for step in explanation.steps]
    assert rows == [
        ("1", "region_name", "absent in code", None),
        ("2", "Config(region_name)", "absent in code", 5),
        ("3", "session region_name", "absent in code", 6),
        ("4", "AWS_DEFAULT_REGION", "decided at runtime", None),
        ("5", "profile region", "decided at runtime", None),
    ]
    assert "NoRegionError" in explanation.runtime and "sqs has no partition-wide endpoint" in explanation.runtime
    assert "us-east-1 holds only for S3 and the global services" in explanation.runtime
    assert "region_name=" in explanation.fix and 'region-from = "environment"' in explanation.fix
    assert finding.severity is Severity.WARNING


def test_global_explanations_name_endpoint_and_signing_region() -> None:
    s3, iam, network = region_findings(
        'import boto3\nboto3.client("s3")\nboto3.client("iam")\nboto3.client("networkmanager")\n'
    )
    assert "https://s3.amazonaws.com, signed for us-east-1" in s3.message
    assert "us-east-1 (forced)" in s3.explanation.runtime
    assert "x-amz-bucket-region" in s3.explanation.runtime and "Presigned URLs" in s3.explanation.runtime
    assert "bucket's region" in s3.explanation.fix
    assert "https://iam.amazonaws.com, signed for us-east-1" in iam.message
    assert "iam is not regionalized" in iam.explanation.runtime
    assert "https://networkmanager.us-west-2.amazonaws.com, signed for us-west-2" in network.message
    assert all(finding.severity is Severity.INFO for finding in (s3, iam, network))


def test_sts_explains_regional_endpoints() -> None:
    (sts,) = region_findings('import boto3\nboto3.client("sts")\n')
    assert "sts.amazonaws.com" in sts.message and "1.40.0" in sts.explanation.runtime


def test_aws_region_only_lists_the_clients_and_marks_the_write() -> None:
    code = 'import os, boto3\nos.environ["AWS_REGION"] = "eu-west-1"\nq = boto3.client("sqs")\nb = boto3.client("s3")\n'
    found = {finding.code: finding for finding in region_findings(code)}
    aws_region = found["CL303"]
    assert "boto3.client('sqs') line 3" in aws_region.explanation.summary
    assert "boto3.client('s3') line 4" in aws_region.explanation.summary
    extra = [step for step in aws_region.explanation.steps if step.method == "AWS_REGION"]
    assert [(step.position, step.status, step.line) for step in extra] == [("-", "set in code", 2)]
    assert "issue #3620" in aws_region.explanation.runtime
    assert "AWS_REGION, which this code sets at line 2, is not read" in found["CL301"].explanation.runtime


@pytest.mark.parametrize(
    "handler",
    [
        "def handler(event, context):\n    pass\n",
        "def lambda_handler(event, context):\n    pass\n",
        "def process(_event, _context):\n    pass\n",
        "from chalice import Chalice\napp = Chalice(app_name='orders')\n",
    ],
    ids=["handler", "lambda_handler", "event-context", "chalice"],
)
def test_lambda_module_reports_regional_clients_at_info_and_skips_global_ones(handler: str) -> None:
    code = f'import boto3\nq = boto3.client("sqs")\ns = boto3.client("s3")\n{handler}'
    (finding,) = region_findings(code)
    assert (finding.code, finding.severity) == ("CL301", Severity.INFO)
    assert "Lambda runtime sets AWS_DEFAULT_REGION" in finding.explanation.runtime
    assert "Imported anywhere else" in finding.explanation.runtime


def test_nested_handler_is_not_a_lambda_module() -> None:
    code = 'import boto3\nq = boto3.client("sqs")\nclass A:\n    def handler(self, event, context):\n        pass\n'
    (finding,) = region_findings(code)
    assert finding.severity is Severity.WARNING


def test_aws_region_in_lambda_explains_that_the_write_changes_nothing() -> None:
    code = 'import os, boto3\nos.environ["AWS_REGION"] = "us-west-2"\nq = boto3.client("sqs")\ndef handler(event, context):\n    pass\n'
    aws_region = next(finding for finding in region_findings(code) if finding.code == "CL303")
    assert aws_region.severity is Severity.WARNING
    assert "this write does not change the region botocore uses" in aws_region.explanation.runtime


@pytest.mark.parametrize(
    "settings,named",
    [
        (RuleSettings(declared_region="Dockerfile:4"), "Dockerfile:4"),
        (RuleSettings(region_from="environment"), 'region-from = "environment"'),
    ],
    ids=["declared", "setting"],
)
def test_environment_known_to_provide_the_region(settings: RuleSettings, named: str) -> None:
    (finding,) = region_findings('import boto3\nq = boto3.client("sqs")\ns = boto3.client("s3")\n', settings)
    assert (finding.code, finding.severity) == ("CL301", Severity.INFO)
    assert named in finding.explanation.runtime
    step = next(step for step in finding.explanation.steps if step.method == "AWS_DEFAULT_REGION")
    assert named in step.reads


def test_candidate_pass_skips_files_whose_clients_all_have_regions() -> None:
    source = b'import boto3\nREGION = "eu-west-1"\nboto3.client("sqs", region_name=REGION)\nboto3.client("s3", "us-east-1")\n'
    assert lint_source("a.py", source, REGION_RULES).parsed is False


TRICKY_CANDIDATES = {
    "region bound to another name": 'import boto3\nA = None\nB = A\nboto3.client("sqs", region_name=B)\n',
    "region from an unpacked None": 'import boto3\nA, B = None, "x"\nboto3.client("sqs", region_name=A)\n',
    "awaited session": (
        "from aiobotocore.session import get_session\n"
        'async def f():\n    async with get_session().create_client("sqs") as c:\n        pass\n'
    ),
    "aliased factory": 'from boto3 import resource as r\nr("dynamodb")\n',
    "service through kwargs": 'import boto3\nO = {"service_name": "sqs"}\nboto3.client(**O)\n',
    "service folded from pieces": 'import boto3\nboto3.client("s" + "qs")\n',
    "region None in a one-line if": 'import boto3, os\nif os.environ.get("T"): REGION = None\nboto3.client("sqs", region_name=REGION)\n',
    "region None in a chained assignment": 'import boto3\nA = REGION = None\nboto3.client("sqs", region_name=REGION)\n',
    "region from a walrus": 'import boto3\nif (REGION := None) is None:\n    boto3.client("sqs", region_name=REGION)\n',
    "config with region None": 'import boto3\nfrom botocore.config import Config\nboto3.client("sqs", config=Config(region_name=None))\n',
    "parenthesis in a comment and a string": 'import boto3\nboto3.client(  # (\n    "sqs", endpoint_url="http://x/)",\n)\n',
    "space before the parenthesis": 'import boto3\nboto3.client ("sqs")\n',
    "factory imported in parentheses": 'from boto3 import (\n    client as make,\n)\nmake("sqs", region_name=None)\n',
    "factory imported after a continuation": 'from boto3 import \\\n    client as make\nmake("sqs")\n',
}


@pytest.mark.parametrize("code", TRICKY_CANDIDATES.values(), ids=TRICKY_CANDIDATES.keys())
def test_candidate_pass_never_hides_a_finding(code: str) -> None:
    unfiltered = [dataclasses.replace(info, triggers=(), candidate=None) for info in REGION_RULES]
    found = lint_source("a.py", code.encode(), REGION_RULES).findings
    assert found, "every tricky shape holds a finding"
    assert found == lint_source("a.py", code.encode(), unfiltered).findings


DOCKERFILES = {
    "ENV key=value": ("FROM python:3.12\nENV AWS_DEFAULT_REGION=eu-west-1\n", 2),
    "ENV legacy form": ("FROM python:3.12\nENV AWS_DEFAULT_REGION eu-west-1\n", 2),
    "ENV among others, continued": ("FROM python:3.12\nENV A=1 \\\n    AWS_DEFAULT_REGION=eu-west-1\n", 3),
    "ARG alone is build time only": ("FROM python:3.12\nARG AWS_DEFAULT_REGION=eu-west-1\n", None),
    "empty value": ('FROM python:3.12\nENV AWS_DEFAULT_REGION=""\n', None),
    "AWS_REGION only": ("FROM python:3.12\nENV AWS_REGION=eu-west-1\n", None),
    "commented out": ("FROM python:3.12\n# ENV AWS_DEFAULT_REGION=eu-west-1\n", None),
}


@pytest.mark.parametrize("text,line", DOCKERFILES.values(), ids=DOCKERFILES.keys())
def test_dockerfile_declaration(text: str, line: int | None) -> None:
    assert declaration_line("Dockerfile", text) == line


COMPOSE_FILES = {
    "list item": ("services:\n  app:\n    environment:\n      - AWS_DEFAULT_REGION=eu-west-1\n", 4),
    "list item from the host": ("services:\n  app:\n    environment:\n    - AWS_DEFAULT_REGION\n", 4),
    "mapping": ("services:\n  app:\n    environment:\n      LOG: info\n      AWS_DEFAULT_REGION: eu-west-1\n", 5),
    "under another key": ("services:\n  app:\n    labels:\n      AWS_DEFAULT_REGION: eu-west-1\n", None),
    "AWS_REGION only": ("services:\n  app:\n    environment:\n      AWS_REGION: eu-west-1\n", None),
}


@pytest.mark.parametrize("text,line", COMPOSE_FILES.values(), ids=COMPOSE_FILES.keys())
def test_compose_declaration(text: str, line: int | None) -> None:
    assert declaration_line("docker-compose.yml", text) == line


WORKFLOWS = {
    "workflow env": ("on: push\nenv:\n  AWS_DEFAULT_REGION: eu-west-1\njobs: {}\n", 3),
    "step env": ("jobs:\n  t:\n    steps:\n      - run: pytest\n        env:\n          AWS_DEFAULT_REGION: x\n", 6),
    "configure-aws-credentials": (
        "jobs:\n  t:\n    steps:\n      - uses: aws-actions/configure-aws-credentials@v4\n        with:\n"
        "          aws-region: eu-west-1\n",
        6,
    ),
    "configure-aws-credentials without env output": (
        "jobs:\n  t:\n    steps:\n      - uses: aws-actions/configure-aws-credentials@v4\n        with:\n"
        "          aws-region: eu-west-1\n          output-env-credentials: false\n",
        None,
    ),
    "a list item is not an env block": ("jobs:\n  t:\n    steps:\n      - AWS_DEFAULT_REGION: x\n", None),
}


@pytest.mark.parametrize("text,line", WORKFLOWS.values(), ids=WORKFLOWS.keys())
def test_workflow_declaration(text: str, line: int | None) -> None:
    assert declaration_line(".github/workflows/ci.yml", text) == line


def test_dotenv_declaration() -> None:
    assert declaration_line(".env", "# local\nexport AWS_DEFAULT_REGION=eu-west-1\n") == 2
    assert declaration_line(".env", "AWS_DEFAULT_REGION=\n") is None


def test_declared_region_is_found_at_the_project_root_only(tmp_path: Path) -> None:
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / "Dockerfile").write_text("ENV AWS_DEFAULT_REGION=eu-west-1\n")
    assert find_declared_region(tmp_path) is None
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "ci.yml").write_text("env:\n  AWS_DEFAULT_REGION: eu-west-1\njobs: {}\n")
    find_declared_region.cache_clear()
    assert find_declared_region(tmp_path) == ".github/workflows/ci.yml:2"


@pytest.mark.parametrize(
    ("name", "text", "line"),
    [
        ("tox.ini", "[tox]\nenvlist = py311\n\n[testenv]\nsetenv = AWS_DEFAULT_REGION=eu-central-1\n", 5),
        ("tox.ini", "[testenv]\nsetenv =\n    PYTHONPATH = src\n    AWS_DEFAULT_REGION = eu-west-1\n", 4),
        ("pytest.ini", "[pytest]\nenv =\n    D:AWS_DEFAULT_REGION=us-east-1\n", 3),
        ("pyproject.toml", '[tool.pytest.ini_options]\nenv = [\n    "AWS_DEFAULT_REGION=eu-west-1",\n]\n', 3),
        ("pyproject.toml", '[tool.pytest.ini_options]\nenv = ["AWS_DEFAULT_REGION=eu-west-1"]\n', 2),
    ],
)
def test_test_runner_settings_declare_the_region(tmp_path: Path, name: str, text: str, line: int) -> None:
    (tmp_path / name).write_text(text)
    find_declared_region.cache_clear()
    assert find_declared_region(tmp_path) == f"{name}:{line}"


def test_a_test_runner_file_naming_the_variable_without_a_value_declares_nothing(tmp_path: Path) -> None:
    (tmp_path / "tox.ini").write_text("[testenv]\npassenv = AWS_DEFAULT_REGION\n")
    find_declared_region.cache_clear()
    assert find_declared_region(tmp_path) is None


def test_cli_names_the_declaring_file(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.credlint]\nselect = ['CL3']\n")
    (tmp_path / "Dockerfile").write_text("FROM python:3.12\nENV AWS_DEFAULT_REGION=eu-west-1\n")
    (tmp_path / "app.py").write_text('import boto3\nqueue = boto3.client("sqs")\nbucket = boto3.client("s3")\n')
    result = run_cli(["check", "--format", "json", "."], cwd=tmp_path)
    findings = json.loads(result.stdout)["findings"]
    assert [(f["code"], f["severity"]) for f in findings] == [("CL301", "info")]
    assert "Dockerfile:2" in findings[0]["explanation"]["runtime"]


@pytest.mark.parametrize("marker", ["setup.py", ".git", "pyproject.toml"])
def test_a_project_checked_from_its_parent_keeps_its_declared_region(tmp_path: Path, marker: str) -> None:
    """With no [tool.credlint] table, the project is the nearest directory above the paths given
    that holds a repository or a package, wherever the command runs."""
    project = tmp_path / "vendor" / "billing"
    project.mkdir(parents=True)
    if marker == ".git":
        (project / marker).mkdir()
    else:
        (project / marker).write_text("")
    (project / "Dockerfile").write_text("FROM python:3.12\nENV AWS_DEFAULT_REGION=eu-west-1\n")
    (project / "app.py").write_text('import boto3\nqueue = boto3.client("sqs")\n')
    for cwd, target in ((tmp_path, "vendor/billing"), (project, "."), (tmp_path, "vendor/billing/app.py")):
        result = run_cli(["check", "--format", "json", "--select", "CL301", target], cwd=cwd)
        assert [f["severity"] for f in json.loads(result.stdout)["findings"]] == ["info"], (cwd, target)


def test_cli_region_from_setting(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.credlint]\nregion-from = "environment"\n')
    (tmp_path / "app.py").write_text('import boto3\nqueue = boto3.client("sqs")\n')
    result = run_cli(["check", "--no-explain", "--severity-threshold", "warning", "."], cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    assert "app.py:2:9: CL301 " in result.stdout and "(info)" in result.stdout
