"""The project index: definitions reached from other modules, through the installed CLI and alone."""

from __future__ import annotations

import json
import shutil
import subprocess
import textwrap
from pathlib import Path

from credlint.project.index import ProjectIndex
from credlint.project.view import NO_PROJECT_VIEW, ProjectView
from tests.conftest import REPO, credlint_executable, run_cli

FIXTURE = REPO / "tests" / "fixtures" / "index_project"
SIGNING = "pLx9Qw2Er5Ty8Ui0Op3As6Df9Gh2Jk5Lz8Xc1Vb4"

# (path, line, code) for every finding of the project.
EXPECTED = {
    ("shop/aws.py", 10, "CL301"),  # make_client('sns') from shop/handlers.py gives no region
    ("shop/aws.py", 21, "CL301"),  # OrderStream's self.client('kinesis') gives none either
    ("shop/handlers.py", 20, "CL404"),  # tenacity without a wait
    ("shop/settings.py", 7, "CL101"),  # passed to boto3.client('s3') in shop/handlers.py
    ("shop/settings.py", 8, "CL102"),  # found only through that use: its name says nothing
    ("jobs/audit.py", 10, "CL301"),  # boto3.client(QUEUE_SERVICE): 'sqs', bound in shop/settings.py
    ("jobs/sync.py", 19, "CL403"),  # shop.utils.is_transient lets AccessDenied through
    ("jobs/sync.py", 35, "CL402"),  # shop.utils.is_any_client_error checks no code
    ("jobs/archive.py", 13, "CL202"),  # keys shop/settings.py reads from the environment
}


def copy_project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    shutil.copytree(FIXTURE, project)
    return project


def give_regions(handlers: str) -> str:
    """shop/handlers.py with a region for every make_client() call that had none."""
    for service in ("sns", "iam"):
        handlers = handlers.replace(f'make_client("{service}")', f'make_client("{service}", "eu-west-1")')
    return handlers


def findings(project: Path, *arguments: str) -> list[dict]:
    result = run_cli(["check", "--format", "json", *arguments], cwd=project)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode in (0, 1), result.stderr
    document = json.loads(result.stdout)
    assert document["errors"] == []
    return document["findings"]


def places(found: list[dict]) -> set[tuple[str, int, str]]:
    return {(finding["path"], finding["line"], finding["code"]) for finding in found}


def test_the_project_gives_exactly_its_findings(tmp_path: Path) -> None:
    assert places(findings(copy_project(tmp_path), "--no-cache", ".")) == EXPECTED


def test_one_file_on_its_own_sees_the_rest_of_its_project(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    for path in (
        "shop/aws.py",
        "shop/settings.py",
        "shop/handlers.py",
        "jobs/report.py",
        "jobs/audit.py",
        "jobs/sync.py",
    ):
        expected = {place for place in EXPECTED if place[0] == path}
        assert places(findings(project, "--no-cache", path)) == expected, path


def test_a_buffer_on_stdin_is_indexed_with_the_files_around_it(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    aws = (project / "shop" / "aws.py").read_text()

    def lines_found() -> set[int]:
        result = subprocess.run(
            [credlint_executable(), "check", "--format", "json", "--stdin-filename", "shop/aws.py", "-"],
            cwd=project,
            input=aws,
            capture_output=True,
            text=True,
            check=False,
        )
        return {finding["line"] for finding in json.loads(result.stdout)["findings"]}

    assert lines_found() == {10, 21}
    handlers = project / "shop" / "handlers.py"
    handlers.write_text(give_regions(handlers.read_text()))
    assert lines_found() == {21}


def test_explanations_name_the_other_module(tmp_path: Path) -> None:
    found = {(f["path"], f["line"]): f for f in findings(copy_project(tmp_path), "--no-cache", ".")}
    factory = found[("shop/aws.py", 10)]
    assert "make_client('sns') at shop/handlers.py:14" in factory["explanation"]["summary"]
    assert "make_client('sqs')" not in factory["explanation"]["summary"]  # it passes a region
    secret = found[("shop/settings.py", 8)]
    assert "boto3.client('s3') at shop/handlers.py:22" in secret["explanation"]["summary"]
    assert secret["explanation"]["steps"][0]["status"] == "this code"
    assert SIGNING not in json.dumps(list(found.values()))
    archive = found[("jobs/archive.py", 13)]["explanation"]["summary"]
    assert "(read in shop/settings.py:13, shop/settings.py:14)" in archive
    queue = found[("jobs/audit.py", 10)]
    assert queue["message"].startswith("boto3.client('sqs') is created with no region")
    assert "Its service is QUEUE_SERVICE, bound to 'sqs' at shop/settings.py:10." in queue["explanation"]["summary"]


def test_a_change_in_a_caller_reaches_the_factory_through_the_cache(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    assert ("shop/aws.py", 10, "CL301") in places(findings(project, "."))
    handlers = project / "shop" / "handlers.py"
    handlers.write_text(give_regions(handlers.read_text()))
    assert ("shop/aws.py", 10, "CL301") not in places(findings(project, "."))
    handlers.write_text(handlers.read_text().replace("aws_secret_access_key=UPLOAD_SIGNING,", ""))
    assert ("shop/settings.py", 8, "CL102") not in places(findings(project, "."))


def test_an_edited_service_constant_reaches_its_users_through_the_cache(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    assert ("jobs/audit.py", 10, "CL301") in places(findings(project, "jobs/audit.py"))
    settings = project / "shop" / "settings.py"
    settings.write_text(settings.read_text().replace('QUEUE_SERVICE = "sqs"', 'QUEUE_SERVICE = "iam"'))
    assert ("jobs/audit.py", 10, "CL302") in places(findings(project, "jobs/audit.py"))


def test_a_factory_reached_only_with_global_services_is_reported_by_cl302(tmp_path: Path) -> None:
    write_files(tmp_path, {"aws.py": FACTORY, "run.py": "from aws import make\nmake('iam')\nmake('sts')\n"})
    [finding] = findings(tmp_path, "--no-cache", ".")
    assert (finding["path"], finding["line"], finding["code"]) == ("aws.py", 5, "CL302")
    assert finding["message"].startswith("boto3.client(...), reached as make('iam') from run.py:2 and 1 more,")
    write_files(tmp_path, {"run.py": "from aws import make\nmake('iam')\nmake('sqs')\n"})
    [finding] = findings(tmp_path, "--no-cache", ".")
    assert (finding["line"], finding["code"]) == (5, "CL301")  # a regional site decides


def test_documentation_example_keys_name_the_call_they_reach(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "conf.py": 'SIGN = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"\nKID = "AKIAIOSFODNN7EXAMPLE"\n',
            "use.py": """
                import boto3
                from conf import SIGN, KID
                boto3.client("s3", region_name="eu-west-1", aws_access_key_id=KID, aws_secret_access_key=SIGN)
            """,
        },
    )
    messages = {(f["line"], f["code"]): f["message"] for f in findings(tmp_path, "--no-cache", ".")}
    assert set(messages) == {(1, "CL104"), (2, "CL104")}
    assert all("to boto3.client('s3') at use.py:4" in message for message in messages.values())


def write_files(tmp_path: Path, files: dict[str, str]) -> list[tuple[Path, bytes]]:
    sources = []
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
        sources.append((path, path.read_bytes()))
    return sources


def test_an_edited_predicate_reaches_the_retries_that_import_it_through_the_cache(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    assert ("jobs/sync.py", 19, "CL403") in places(findings(project, "jobs/sync.py"))
    utils = project / "shop" / "utils.py"
    utils.write_text(utils.read_text().replace('("Throttling", "AccessDenied")', '("Throttling", "SlowDown")'))
    assert ("jobs/sync.py", 19, "CL403") not in places(findings(project, "jobs/sync.py"))
    assert ("jobs/sync.py", 19, "CL403") not in places(findings(project, "."))


def index_of(tmp_path: Path, files: dict[str, str]) -> ProjectIndex:
    return ProjectIndex(tmp_path, write_files(tmp_path, files))


FACTORY = textwrap.dedent(
    """
    import boto3

    def make(service, region=None):
        return boto3.client(service, region_name=region)
    """
)


def view_of(index: ProjectIndex, path: Path) -> ProjectView:
    return index.views.get(path, NO_PROJECT_VIEW)


def sites_of(index: ProjectIndex, path: Path) -> list[str]:
    return [site.label for reach in view_of(index, path).factories for site in reach.sites]


def test_relative_imports_and_in_module_calls_reach_the_factory(tmp_path: Path) -> None:
    index = index_of(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/core/__init__.py": "",
            "pkg/core/aws.py": FACTORY + "\nmake('ecs')\n",
            "pkg/web/__init__.py": "",
            "pkg/web/views.py": "from ..core.aws import make\nfrom ..core import aws\nmake('sqs')\naws.make('sns')\n",
        },
    )
    assert sorted(sites_of(index, tmp_path / "pkg/core/aws.py")) == ["aws.make('sns')", "make('ecs')", "make('sqs')"]


def test_call_sites_that_may_give_a_region_are_left_out(tmp_path: Path) -> None:
    index = index_of(
        tmp_path,
        {
            "aws.py": FACTORY,
            "calls.py": """
                from aws import make
                make('sqs', 'eu-west-1')
                make('sqs', region='eu-west-1')
                make('sqs', *regions)
                make(**options)
                make(service_name)
                make('sqs', None)
            """,
        },
    )
    assert sites_of(index, tmp_path / "aws.py") == ["make('sqs')"]  # only the None one


def test_each_script_directory_resolves_its_own_module(tmp_path: Path) -> None:
    index = index_of(
        tmp_path,
        {
            "one/aws.py": FACTORY,
            "one/run.py": "from aws import make\nmake('sqs')\n",
            "two/aws.py": FACTORY,
            "two/run.py": "from aws import make\nmake('sns')\n",
        },
    )
    assert sites_of(index, tmp_path / "one/aws.py") == ["make('sqs')"]
    assert sites_of(index, tmp_path / "two/aws.py") == ["make('sns')"]


def test_an_overriding_method_hides_the_base_factory(tmp_path: Path) -> None:
    index = index_of(
        tmp_path,
        {
            "base.py": "import boto3\nclass Base:\n    def client(self, service):\n        return boto3.client(service)\n",
            "use.py": """
                from base import Base
                class Plain(Base):
                    def run(self):
                        self.client('sqs')
                class Pinned(Base):
                    def client(self, service):
                        return super().client(service)
                    def run(self):
                        self.client('sns')
            """,
        },
    )
    assert sites_of(index, tmp_path / "base.py") == ["self.client('sqs')"]


def test_a_factory_method_called_on_an_instance_is_reached(tmp_path: Path) -> None:
    index = index_of(
        tmp_path,
        {
            "aws.py": "import boto3\nclass Clients:\n    def client(self, service, region=None):\n"
            "        return boto3.client(service, region_name=region)\n",
            "use.py": """
                import aws
                from aws import Clients
                shared = Clients()
                def made_here():
                    Clients().client('sqs')
                    clients = aws.Clients()
                    clients.client('sns')
                def at_module_level():
                    shared.client('lambda')
                def a_parameter(shared):
                    shared.client('kinesis')
                def bound_twice():
                    clients = Clients()
                    clients = None
                    clients.client('ec2')
                def with_a_region():
                    Clients().client('ecs', 'eu-west-1')
            """,
        },
    )
    assert sorted(sites_of(index, tmp_path / "aws.py")) == [
        "Clients().client('sqs')",
        "clients.client('sns')",
        "shared.client('lambda')",
    ]


def test_names_from_outside_the_project_stay_unknown(tmp_path: Path) -> None:
    index = index_of(
        tmp_path,
        {
            "settings.py": f"SIGNING = {SIGNING!r}\n",
            "use.py": """
                import boto3
                from vendor.settings import SIGNING
                boto3.client('s3', aws_secret_access_key=SIGNING)
                from boto3 import client
                client('sqs')
            """,
        },
    )
    assert not view_of(index, tmp_path / "settings.py")
    assert not view_of(index, tmp_path / "use.py")


def test_a_package_that_imports_the_factory_again_passes_it_on(tmp_path: Path) -> None:
    index = index_of(
        tmp_path,
        {
            "app/__init__.py": "from .aws import make\n",
            "app/aws.py": FACTORY,
            "run.py": "from app import make\nimport app\nmake('sqs')\napp.make('sns')\n",
        },
    )
    assert sorted(sites_of(index, tmp_path / "app/aws.py")) == ["app.make('sns')", "make('sqs')"]


def test_the_rest_of_the_project_is_read_only_for_a_checked_file_that_defines_something(tmp_path: Path) -> None:
    def unread() -> list[tuple[Path, bytes]]:
        raise AssertionError("the rest of the project was read")

    plain = tmp_path / "plain.py"
    plain.write_text("import boto3\nboto3.client('sqs', region_name='eu-west-1')\n")
    assert not view_of(ProjectIndex(tmp_path, [(plain, plain.read_bytes())], unread), plain)

    factory = tmp_path / "aws.py"
    factory.write_text(FACTORY)
    caller = tmp_path / "run.py"
    caller.write_text("from aws import make\nmake('sqs')\n")
    index = ProjectIndex(tmp_path, [(factory, factory.read_bytes())], lambda: [(caller, caller.read_bytes())])
    assert sites_of(index, factory) == ["make('sqs')"]


def test_only_service_names_are_quoted_from_other_modules(tmp_path: Path) -> None:
    index = index_of(
        tmp_path,
        {
            "aws.py": FACTORY,
            "settings.py": f"SIGNING = {SIGNING!r}\n",
            "use.py": f"""
                import boto3
                from aws import make
                from settings import SIGNING
                make({SIGNING!r})
                make('sqs')
                boto3.client({SIGNING!r}, aws_secret_access_key=SIGNING)
            """,
        },
    )
    assert sites_of(index, tmp_path / "aws.py") == ["make('sqs')"]
    assert [reach.target for reach in view_of(index, tmp_path / "settings.py").constants] == ["boto3.client(...)"]


def test_a_function_whose_client_calls_disagree_is_no_factory(tmp_path: Path) -> None:
    index = index_of(
        tmp_path,
        {
            "aws.py": """
                import boto3

                def branchy(service, region=None):
                    if region is None:
                        return boto3.client(service)
                    return boto3.client(service, region_name=region)

                def defaulted(service, region=None):
                    if region:
                        return boto3.client(service, region_name=region)
                    return boto3.client(service, region_name="eu-west-1")

                def twice(service):
                    boto3.client(service).list_tags()
                    return boto3.client(service)
            """,
            "run.py": "from aws import branchy, defaulted, twice\nbranchy('sqs')\ndefaulted('sqs')\ntwice('sqs')\n",
        },
    )
    assert sites_of(index, tmp_path / "aws.py") == ["twice('sqs')"]


def test_a_kept_index_is_taken_only_while_the_project_is_unchanged(tmp_path: Path) -> None:
    project = copy_project(tmp_path)

    def factory_lines() -> set[int]:
        return {finding["line"] for finding in findings(project, "shop/aws.py")}

    assert factory_lines() == {10, 21}
    assert factory_lines() == {10, 21}  # from the kept index
    handlers = project / "shop" / "handlers.py"
    handlers.write_text(give_regions(handlers.read_text()))
    assert factory_lines() == {21}
    (project / "jobs" / "cleanup.py").write_text('from shop.aws import make_client\nmake_client("sqs")\n')
    assert factory_lines() == {10, 21}


def imported_services(index: ProjectIndex, path: Path) -> list[tuple[str, str, str]]:
    return [(value.written, value.text, value.place) for value in view_of(index, path).imported]


def test_service_names_are_taken_from_the_module_an_import_names(tmp_path: Path) -> None:
    sources = write_files(
        tmp_path,
        {
            "app/__init__.py": "from .names import QUEUE\n",
            "app/names.py": "QUEUE = 'sqs'\nTOPIC = 'sn' + 's'\nTWICE = 'sqs'\nTWICE = 'sns'\nKEY = 'not a service'\n",
            "run.py": """
            import boto3
            import app
            from app import QUEUE
            from app.names import TOPIC, TWICE, KEY
            from outside import OTHER
            boto3.client(QUEUE)
            boto3.resource(service_name=TOPIC)
            boto3.client(TWICE)
            boto3.client(KEY)
            boto3.client(OTHER)
            boto3.client(app.names.QUEUE)
        """,
        },
    )
    index = ProjectIndex(tmp_path, sources[-1:])  # run.py: the modules it imports from are read for it
    assert imported_services(index, tmp_path / "run.py") == [
        ("QUEUE", "sqs", "app/names.py:1"),
        ("TOPIC", "sns", "app/names.py:2"),
        ("app.names.QUEUE", "sqs", "app/names.py:1"),
    ]


def test_a_module_read_for_its_constants_is_stamped_in_the_kept_index(tmp_path: Path) -> None:
    (tmp_path / "names.py").write_text("QUEUE = 'sqs'\n")
    (tmp_path / "run.py").write_text("import boto3\nfrom names import QUEUE\nboto3.client(QUEUE)\n")
    assert places(findings(tmp_path, "run.py")) == {("run.py", 3, "CL301")}
    (tmp_path / "names.py").write_text("QUEUE = 'iam'\n")
    assert places(findings(tmp_path, "run.py")) == {("run.py", 3, "CL302")}


def test_predicates_are_taken_from_the_module_an_import_names(tmp_path: Path) -> None:
    index = index_of(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/checks.py": "def is_throttled(e):\n    return True\n\nTHROTTLED = 1\n",
            "run.py": """
                import boto3
                from botocore.exceptions import ClientError
                from app import checks
                from app.checks import is_throttled, THROTTLED
                from outside import is_fatal
                def call(s3):
                    try:
                        s3.get_object()
                    except ClientError as error:
                        if not is_throttled(error) or is_fatal(error) or checks.is_throttled(error):
                            raise
                        THROTTLED(error)
            """,
        },
    )
    assert [(f.written, f.name, f.place) for f in view_of(index, tmp_path / "run.py").predicates] == [
        ("checks.is_throttled", "is_throttled", "app/checks.py:1"),
        ("is_throttled", "is_throttled", "app/checks.py:1"),
    ]


SECRET_DEFAULT = "Zq8Rt5Yu2Io9Pa6Sd3Fg0Hj7Kl4Zx1Cv8Bn5Mq2W"


def test_environment_reads_are_taken_from_the_module_an_import_names(tmp_path: Path) -> None:
    index = index_of(
        tmp_path,
        {
            "conf.py": f"""
                import os
                from os import getenv
                KEY = os.environ["APP_KEY"]
                SECRET = getenv("APP_SECRET", {SECRET_DEFAULT!r})
                TOKEN = os.environ.get("APP_TOKEN", "testing")
                TWICE = os.environ["A"]
                TWICE = "x"
            """,
            "run.py": """
                import boto3
                import conf
                from conf import KEY, TWICE
                boto3.client("s3", aws_access_key_id=KEY, aws_secret_access_key=conf.SECRET)
                boto3.Session(aws_session_token=conf.TOKEN, aws_access_key_id=TWICE)
            """,
        },
    )
    reads = view_of(index, tmp_path / "run.py").env_reads
    assert [(r.written, r.variable, r.missing, r.default, r.place) for r in reads] == [
        ("KEY", "APP_KEY", "raises", None, "conf.py:4"),
        ("conf.SECRET", "APP_SECRET", "default", None, "conf.py:5"),  # a default that may be real stays out
        ("conf.TOKEN", "APP_TOKEN", "default", "testing", "conf.py:6"),
    ]


def test_fields_of_a_settings_instance_are_reads_of_their_variables(tmp_path: Path) -> None:
    index = index_of(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/config.py": """
                from pydantic import Field
                from pydantic_settings import BaseSettings, SettingsConfigDict
                class Settings(BaseSettings):
                    model_config = SettingsConfigDict(env_prefix="shop_")
                    aws_access_key_id: str
                    aws_secret_access_key: str = Field(None, alias="SHOP_SIGNING")
                    aws_session_token: str = "dummy"
                class Plain:
                    aws_access_key_id: str = "x"
                settings = Settings()
                plain = Plain()
                twice = Settings()
                twice = None
            """,
            "run.py": """
                import boto3
                from app.config import plain, settings, twice
                boto3.Session(
                    aws_access_key_id=settings.aws_access_key_id,
                    aws_secret_access_key=settings.aws_secret_access_key,
                    aws_session_token=settings.aws_session_token,
                )
                boto3.Session(aws_access_key_id=plain.aws_access_key_id, aws_secret_access_key=twice.aws_access_key_id)
            """,
        },
    )
    reads = view_of(index, tmp_path / "run.py").env_reads
    assert [(r.written, r.variable, r.missing, r.default, r.place) for r in reads] == [
        ("settings.aws_access_key_id", "SHOP_AWS_ACCESS_KEY_ID", "raises", None, "app/config.py:6"),
        ("settings.aws_secret_access_key", "SHOP_SIGNING", "none", None, "app/config.py:7"),
        ("settings.aws_session_token", "SHOP_AWS_SESSION_TOKEN", "default", "dummy", "app/config.py:8"),
    ]


def test_cli_reports_settings_read_in_another_module_where_they_are_passed(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "config.py": "import os\nKEY = os.environ['UPLOAD_KEY_ID']\nSECRET = os.getenv('UPLOAD_SECRET')\n",
            "upload.py": """
                import boto3
                import config
                def client():
                    return boto3.client(
                        "s3", region_name="eu-west-1", aws_access_key_id=config.KEY, aws_secret_access_key=config.SECRET
                    )
            """,
        },
    )
    [finding] = findings(tmp_path, "--no-cache", "upload.py")
    assert (finding["path"], finding["line"], finding["code"]) == ("upload.py", 6, "CL202")
    assert "(read in config.py:2, config.py:3)" in finding["explanation"]["summary"]
