"""The metadata family (CL504 imds-v1, CL511 instance-credentials-read-by-hand): shapes flagged and
not, and the explanations they carry."""

from __future__ import annotations

import dataclasses
import json
import textwrap

import pytest

from credlint.chain import STATUS_NEVER_CONSULTED, STATUS_THIS_CODE, STATUS_WHERE_PASSED
from credlint.engine import lint_source
from credlint.finding import Finding, Severity
from credlint.prefilter import FileProbe
from credlint.registry import RULES
from tests.conftest import run_cli

METADATA_RULES = [RULES["CL504"], RULES["CL511"]]


def metadata_findings(code: str, path: str = "instance.py") -> list[Finding]:
    source = textwrap.dedent(code).encode()
    return list(lint_source(path, source, METADATA_RULES).findings)


def metadata_codes(code: str) -> list[tuple[int, str]]:
    return sorted((finding.span.line, finding.code) for finding in metadata_findings(code))


FLAGGED = {
    "requests.get on a literal": (
        'import requests\nrequests.get("http://169.254.169.254/latest/meta-data/instance-id", timeout=1)\n',
        [(2, "CL504")],
    ),
    "library imported inside the function": (
        "def instance_id():\n    import requests as r\n"
        '    return r.get("http://169.254.169.254/latest/meta-data/instance-id").text\n',
        [(3, "CL504")],
    ),
    "the instance-data host name and the first version, 1.0": (
        'import urllib.request\nurllib.request.urlopen("http://instance-data/latest/meta-data/public-ipv4")\n'
        'urllib.request.urlopen("http://169.254.169.254/1.0/meta-data/instance-id")\n',
        [(2, "CL504"), (3, "CL504")],
    ),
    "a dated version of the path, as EC2 and its look-alikes serve it": (
        'import urllib.request\nurllib.request.urlopen("http://169.254.169.254/2009-04-04/meta-data/instance-id")\n',
        [(2, "CL504")],
    ),
    "aliased module": (
        'import requests as rq\nrq.get("http://169.254.169.254/latest/meta-data/ami-id")\n',
        [(2, "CL504")],
    ),
    "imported function": (
        'from requests import get as fetch\nfetch("http://169.254.169.254/latest/meta-data/hostname")\n',
        [(2, "CL504")],
    ),
    "requests.request with a method": (
        'import requests\nrequests.request("GET", "http://169.254.169.254/latest/dynamic/instance-identity/document")\n',
        [(2, "CL504")],
    ),
    "constant and f-string": (
        'import requests\nIMDS = "http://169.254.169.254"\n'
        'def region():\n    return requests.get(f"{IMDS}/latest/meta-data/placement/region").text\n',
        [(4, "CL504")],
    ),
    "host constant inside an f-string": (
        'import requests\nHOST = "169.254.169.254"\nrequests.get(f"http://{HOST}/latest/meta-data/mac")\n',
        [(3, "CL504")],
    ),
    "concatenation in a local": (
        'import requests\nBASE = "http://169.254.169.254/latest/meta-data/"\n'
        'def zone():\n    url = BASE + "placement/availability-zone"\n    return requests.get(url).text\n',
        [(5, "CL504")],
    ),
    "str.format": (
        'import requests\nrequests.get("http://169.254.169.254/latest/meta-data/{}".format("local-ipv4"))\n',
        [(2, "CL504")],
    ),
    "str.format on a constant, fields left over": (
        'import requests\nTEMPLATE = "http://169.254.169.254/{}/meta-data/{}"\n'
        'requests.get(TEMPLATE.format("latest"))\n',
        [(3, "CL504")],
    ),
    "percent formatting": (
        'import requests\ndef read(item):\n    return requests.get("http://169.254.169.254/latest/meta-data/%s" % item)\n',
        [(3, "CL504")],
    ),
    "urljoin": (
        "import requests\nfrom urllib.parse import urljoin\n"
        'requests.get(urljoin("http://169.254.169.254/", "/latest/meta-data/instance-type"))\n',
        [(3, "CL504")],
    ),
    "endpoint variable with the IMDS default": (
        "import os, requests\n"
        'BASE = os.environ.get("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://169.254.169.254")\n'
        'requests.get(BASE + "/latest/meta-data/instance-id")\n',
        [(3, "CL504")],
    ),
    "IPv6 endpoint": (
        'import requests\nrequests.get("http://[fd00:ec2::254]/latest/meta-data/instance-id")\n',
        [(2, "CL504")],
    ),
    "requests.Session bound to a name": (
        'import requests\ns = requests.Session()\ns.get("http://169.254.169.254/latest/meta-data/instance-id")\n',
        [(3, "CL504")],
    ),
    "requests.Session() called in place": (
        'import requests\nrequests.Session().get("http://169.254.169.254/latest/meta-data/instance-id")\n',
        [(2, "CL504")],
    ),
    "with requests.Session() as session": (
        "import requests\nwith requests.Session() as session:\n"
        '    session.get("http://169.254.169.254/latest/meta-data/instance-id")\n',
        [(3, "CL504")],
    ),
    "session headers without the token": (
        "import requests\ns = requests.Session()\n"
        's.get("http://169.254.169.254/latest/meta-data/instance-id", headers={"Accept": "text/plain"})\n',
        [(3, "CL504")],
    ),
    "urllib urlopen on a string": (
        'from urllib.request import urlopen\nurlopen("http://169.254.169.254/latest/user-data", timeout=1)\n',
        [(2, "CL504")],
    ),
    "urllib Request, opened later": (
        "import urllib.request\n"
        'req = urllib.request.Request("http://169.254.169.254/latest/meta-data/instance-id")\n'
        "urllib.request.urlopen(req)\n",
        [(2, "CL504")],
    ),
    "httpx function": (
        'import httpx\nhttpx.get("http://169.254.169.254/latest/meta-data/instance-id")\n',
        [(2, "CL504")],
    ),
    "httpx Client with base_url": (
        'import httpx\nwith httpx.Client(base_url="http://169.254.169.254") as client:\n'
        '    client.get("/latest/meta-data/instance-id")\n',
        [(3, "CL504")],
    ),
    "httpx AsyncClient": (
        "from httpx import AsyncClient\nasync def main():\n    async with AsyncClient() as client:\n"
        '        await client.get("http://169.254.169.254/latest/meta-data/instance-id")\n',
        [(4, "CL504")],
    ),
    "aiohttp ClientSession": (
        "import aiohttp\nasync def main():\n    async with aiohttp.ClientSession() as session:\n"
        '        async with session.get("http://169.254.169.254/latest/meta-data/instance-id") as r:\n'
        "            return await r.text()\n",
        [(4, "CL504")],
    ),
    "urllib3 PoolManager": (
        "import urllib3\nhttp = urllib3.PoolManager()\n"
        'http.request("GET", "http://169.254.169.254/latest/meta-data/instance-id")\n',
        [(3, "CL504")],
    ),
    "token URL only in a docstring": (
        'import requests\ndef zone():\n    """Not IMDSv2 (no PUT /latest/api/token) yet."""\n'
        '    return requests.get("http://169.254.169.254/latest/meta-data/placement/availability-zone")\n',
        [(4, "CL504")],
    ),
    "role credentials, IMDSv1": (
        "import requests\nURL = 'http://169.254.169.254/latest/meta-data/iam/security-credentials/'\n"
        "role = requests.get(URL).text\ncreds = requests.get(URL + role).json()\n",
        [(3, "CL511"), (4, "CL511")],
    ),
    "role credentials, IMDSv2": (
        "import requests\nIMDS = 'http://169.254.169.254'\n"
        "token = requests.put(f'{IMDS}/latest/api/token',\n"
        "                     headers={'X-aws-ec2-metadata-token-ttl-seconds': '21600'}).text\n"
        "headers = {'X-aws-ec2-metadata-token': token}\n"
        "role = requests.get(f'{IMDS}/latest/meta-data/iam/security-credentials/', headers=headers).text\n",
        [(6, "CL511")],
    ),
}


@pytest.mark.parametrize("name", FLAGGED)
def test_flagged(name: str) -> None:
    code, expected = FLAGGED[name]
    assert metadata_codes(code) == expected


NOT_FLAGGED = {
    "IMDSv2: token PUT then GET with the token header": """
        import requests
        IMDS = "http://169.254.169.254"
        def region():
            token = requests.put(f"{IMDS}/latest/api/token",
                                 headers={"X-aws-ec2-metadata-token-ttl-seconds": "21600"}, timeout=1).text
            return requests.get(f"{IMDS}/latest/meta-data/placement/region",
                                headers={"X-aws-ec2-metadata-token": token}, timeout=1).text
    """,
    "token header from a constant, token from another module": """
        import requests
        from .imds import session_token
        TOKEN_HEADER = "X-aws-ec2-metadata-token"
        requests.get("http://169.254.169.254/latest/meta-data/instance-id", headers={TOKEN_HEADER: session_token()})
    """,
    "token PUT elsewhere in the module, headers from a helper": """
        import requests
        def _token():
            return requests.put("http://169.254.169.254/latest/api/token",
                                headers={"X-aws-ec2-metadata-token-ttl-seconds": "300"}).text
        def instance_id():
            return requests.get("http://169.254.169.254/latest/meta-data/instance-id", headers=_headers()).text
    """,
    "headers built by a helper": """
        import requests
        requests.get("http://169.254.169.254/latest/meta-data/instance-id", headers=imds_headers())
    """,
    "headers dict filled after it is built": """
        import requests
        def instance_id(token):
            headers = {}
            headers["X-aws-ec2-metadata-token"] = token
            return requests.get("http://169.254.169.254/latest/meta-data/instance-id", headers=headers)
    """,
    "session headers updated": """
        import requests
        s = requests.Session()
        s.headers.update({"X-aws-ec2-metadata-token": token})
        s.get("http://169.254.169.254/latest/meta-data/instance-id")
    """,
    "an auth object may add the header": """
        import requests
        requests.get("http://169.254.169.254/latest/meta-data/instance-id", auth=ImdsV2Auth())
    """,
    "httpx Client with the token header": """
        import httpx
        client = httpx.Client(headers={"X-aws-ec2-metadata-token": token})
        client.get("http://169.254.169.254/latest/meta-data/instance-id")
    """,
    "urllib Request given the header later": """
        import urllib.request
        req = urllib.request.Request("http://169.254.169.254/latest/meta-data/instance-id")
        req.add_header("X-aws-ec2-metadata-token", token)
        urllib.request.urlopen(req)
    """,
    "ECS container credentials endpoint": """
        import os, requests
        requests.get("http://169.254.170.2" + os.environ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"])
        requests.get("http://169.254.170.2/v2/metadata")
    """,
    "other link-local addresses": """
        import requests
        requests.get("http://169.254.169.253/")
        requests.get("http://169.254.169.2540/latest/meta-data/")
        requests.get("http://169.254.1.1/latest/meta-data/instance-id")
    """,
    "URL in comments and docstrings": '''
        def instance_id():
            """Reads http://169.254.169.254/latest/meta-data/instance-id (IMDSv1)."""
            # requests.get("http://169.254.169.254/latest/meta-data/instance-id")
            return None
    ''',
    "URL not sent": """
        import logging
        logging.info("metadata at %s", "http://169.254.169.254/latest/meta-data/instance-id")
        URL = "http://169.254.169.254/latest/meta-data/instance-id"
    """,
    "root probe for 'am I on EC2'": """
        import requests
        def on_ec2():
            try:
                requests.get("http://169.254.169.254/", timeout=0.2)
                return True
            except requests.RequestException:
                return False
    """,
    "computed path with PUT": """
        import requests
        def call(path, headers):
            return requests.put(f"http://169.254.169.254/{path}", headers=headers)
    """,
    "mocked IMDS in tests": """
        import responses, requests_mock
        responses.add(responses.GET, "http://169.254.169.254/latest/meta-data/instance-id", body="i-123")
        with requests_mock.Mocker() as m:
            m.get("http://169.254.169.254/latest/meta-data/iam/security-credentials/", text="role")
    """,
    "a local function named get": """
        def get(url):
            return url
        get("http://169.254.169.254/latest/meta-data/instance-id")
    """,
    "session handed in": """
        def instance_id(session):
            return session.get("http://169.254.169.254/latest/meta-data/instance-id")
    """,
    "URL bound to two values": """
        import requests
        def instance_id(local):
            url = "http://localhost:1338/latest/meta-data/instance-id"
            if not local:
                url = "http://169.254.169.254/latest/meta-data/instance-id"
            return requests.get(url)
    """,
    "URL from a parameter": """
        import requests
        def fetch(url):
            return requests.get(url)
    """,
    "botocore's own fetchers": """
        from botocore.utils import InstanceMetadataFetcher
        creds = InstanceMetadataFetcher(timeout=1, num_attempts=2).retrieve_iam_role_credentials()
    """,
    "other clouds' metadata services at the same address": """
        import requests
        AZURE = "http://169.254.169.254/metadata/instance?api-version=2021-02-01"
        azure = requests.get(AZURE, headers={"Metadata": "true"}, timeout=2).json()
        identity = requests.get("http://169.254.169.254/metadata/identity/oauth2/token", headers={"Metadata": "true"})
        gcp = requests.get("http://169.254.169.254/computeMetadata/v1/instance/id", headers={"Metadata-Flavor": "Google"})
        droplet = requests.get("http://169.254.169.254/metadata/v1/id").text
        openstack = requests.get("http://169.254.169.254/openstack/latest/meta_data.json").json()
        oracle = requests.get("http://169.254.169.254/opc/v2/instance/", headers={"Authorization": "Bearer Oracle"})
    """,
}


@pytest.mark.parametrize("name", NOT_FLAGGED)
def test_not_flagged(name: str) -> None:
    assert metadata_codes(NOT_FLAGGED[name]) == []


@pytest.mark.parametrize("name", FLAGGED)
def test_the_candidate_pass_never_hides_a_finding(name: str) -> None:
    code, _ = FLAGGED[name]
    unfiltered = [dataclasses.replace(info, candidate=None, seeds=None, module_facts=None) for info in METADATA_RULES]
    assert lint_source("instance.py", code.encode(), METADATA_RULES).findings == (
        lint_source("instance.py", code.encode(), unfiltered).findings
    )


def test_a_module_that_names_the_endpoint_but_imports_no_http_library_is_never_parsed() -> None:
    routes = b'import re\nBACKENDS = [("instance_metadata", re.compile("http://169.254.169.254"))]\n'
    assert not any(info.triggered_by(FileProbe(routes)) for info in METADATA_RULES)


def test_role_credentials_are_cl511_not_cl504() -> None:
    code = 'import requests\nrequests.get("http://169.254.169.254/latest/meta-data/iam/security-credentials/web")\n'
    assert metadata_codes(code) == [(2, "CL511")]


def test_rule_metadata() -> None:
    assert (RULES["CL504"].name, RULES["CL504"].severity, RULES["CL504"].category) == (
        "imds-v1",
        Severity.WARNING,
        "metadata",
    )
    assert RULES["CL511"].name == "instance-credentials-read-by-hand"
    assert RULES["CL511"].severity is Severity.WARNING


def test_imds_v1_message_and_explanation() -> None:
    (finding,) = metadata_findings(
        'import requests\nIMDS = "http://169.254.169.254"\n'
        'region = requests.get(IMDS + "/latest/meta-data/placement/region").text\n'
    )
    assert finding.code == "CL504" and finding.span.line == 3
    assert "requests.get" in finding.message
    assert "http://169.254.169.254/latest/meta-data/placement/region" in finding.message
    assert "HttpTokens=required" in finding.message
    explanation = finding.explanation
    assert explanation.chain == "credential"
    assert "without an IMDSv2 token" in explanation.summary and "(line 3)" in explanation.summary
    marked = [step for step in explanation.steps if step.status == STATUS_THIS_CODE]
    assert [(step.position, step.method, step.line) for step in marked] == [("12", "iam-role", 3)]
    for fact in ("HttpTokens=required", "PUT latest/api/token", "x-aws-ec2-metadata-token-ttl-seconds: 21600"):
        assert fact in explanation.runtime
    for fact in ("403, 404 or 405", "AWS_EC2_METADATA_V1_DISABLED", "AWS_EC2_METADATA_DISABLED"):
        assert fact in explanation.runtime
    assert "PUT http://169.254.169.254/latest/api/token" in explanation.fix
    assert "X-aws-ec2-metadata-token on this request" in explanation.fix


def test_imds_v1_fix_names_the_ipv6_endpoint() -> None:
    (finding,) = metadata_findings('import requests\nrequests.get("http://[fd00:ec2::254]/latest/meta-data/mac")\n')
    assert "PUT http://[fd00:ec2::254]/latest/api/token" in finding.explanation.fix


def test_unknown_parts_are_shown_as_placeholders() -> None:
    (finding,) = metadata_findings(
        'import requests\ndef read(item):\n    return requests.get(f"http://169.254.169.254/latest/meta-data/{item}")\n'
    )
    assert "http://169.254.169.254/latest/meta-data/{...}" in finding.message
    assert "\0" not in finding.message


ROLE_READ_AND_PASSED = """
    import boto3
    import requests

    IMDS = "http://169.254.169.254/latest/meta-data/iam/security-credentials/"

    def s3_client():
        role = requests.get(IMDS, timeout=1).text
        creds = requests.get(IMDS + role, timeout=1).json()
        return boto3.client(
            "s3",
            region_name="eu-west-1",
            aws_access_key_id=creds["AccessKeyId"],
            aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds["Token"],
        )
"""


def test_role_read_by_hand_and_passed_explicitly() -> None:
    findings = metadata_findings(ROLE_READ_AND_PASSED)
    assert [(f.span.line, f.code) for f in findings] == [(8, "CL511"), (9, "CL511")]
    finding = findings[1]
    assert "read by hand" in finding.message and "sends no IMDSv2 token" in finding.message
    explanation = finding.explanation
    assert "link 12 (iam-role)" in explanation.summary
    assert "boto3.client('s3') (line 10)" in explanation.summary and "explicit link" in explanation.summary
    assert (explanation.steps[0].method, explanation.steps[0].status, explanation.steps[0].line) == (
        "explicit",
        STATUS_THIS_CODE,
        10,
    )
    assert all(step.status == STATUS_NEVER_CONSULTED for step in explanation.steps[1:])
    for fact in ("AccessKeyId, SecretAccessKey, Token and Expiration", "Credentials(method='explicit')"):
        assert fact in explanation.runtime
    assert "HttpTokens=required" in explanation.runtime
    assert "create clients without keys" in explanation.fix


def test_role_read_with_a_token_is_still_read_by_hand() -> None:
    (finding,) = metadata_findings(FLAGGED["role credentials, IMDSv2"][0])
    assert "sends no IMDSv2 token" not in finding.message
    assert "HttpTokens=required" not in finding.explanation.runtime
    # Nothing in the module takes the keys: they become explicit wherever they are passed.
    assert finding.explanation.steps[0].status == STATUS_WHERE_PASSED


def test_messages_hold_no_credential_values() -> None:
    findings = metadata_findings(ROLE_READ_AND_PASSED)
    assert all(finding.preview is None or finding.preview == "" for finding in findings)


def test_installed_cli_reports_both_rules(tmp_path) -> None:
    (tmp_path / "instance.py").write_text(
        textwrap.dedent(
            """\
            import requests

            BASE = "http://169.254.169.254/latest/meta-data/"


            def zone():
                return requests.get(BASE + "placement/availability-zone", timeout=1).text


            def role():
                return requests.get(BASE + "iam/security-credentials/", timeout=1).text
            """
        )
    )
    result = run_cli(["check", "--format", "json", "--select", "CL504,CL511", "instance.py"], cwd=tmp_path)
    document = json.loads(result.stdout)
    found = [(f["line"], f["code"], f["name"]) for f in document["findings"]]
    assert found == [(7, "CL504", "imds-v1"), (11, "CL511", "instance-credentials-read-by-hand")]
    assert document["findings"][0]["explanation"]["chain"] == "credential"
    assert result.returncode != 0


BEHAVIOUR_IN_A_TEST = """\
import boto3
import requests
from botocore.config import Config

def test_reads_metadata_by_hand(mocked_imds):
    zone = requests.get("http://169.254.169.254/latest/meta-data/placement/availability-zone").text
    role = requests.get("http://169.254.169.254/latest/meta-data/iam/security-credentials/").text
    s3 = boto3.client("s3", region_name="eu-west-1", config=Config(signature_version="s3"))
    print(boto3.Session().get_credentials().secret_key)  # reported whatever test-policy says
"""


CODES = ["CL504", "CL511", "CL506"]
LOGGED = ("CL508", "error")  # credentials a test prints reach CI logs, against a real account too


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        ("info", [*((code, "info") for code in CODES), LOGGED]),
        ("ignore", [LOGGED]),
        ("report", [*((code, "warning") for code in CODES), LOGGED]),
    ],
)
def test_what_tests_do_on_purpose_follows_test_policy(tmp_path, policy: str, expected: list[tuple[str, str]]) -> None:
    """IMDS requests and SigV2 in a test run against mocks: test-policy decides."""
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_instance.py").write_text(BEHAVIOUR_IN_A_TEST)
    (tmp_path / "pyproject.toml").write_text(f'[tool.credlint]\ntest-policy = "{policy}"\n')
    result = run_cli(["check", "--format", "json", "--select", "CL504,CL506,CL508,CL511", "tests"], tmp_path)
    found = json.loads(result.stdout)["findings"]
    assert [(f["code"], f["severity"]) for f in found] == expected
