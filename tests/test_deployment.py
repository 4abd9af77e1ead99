"""CL205 and CL206 on deployment files: each format read by its own parser, exact findings."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path, PurePath

import pytest

from credlint.deployment.model import DeploymentParseError
from credlint.deployment.read import read_deployment_file
from credlint.engine import lint_source
from credlint.file_kinds import kind_by_name
from credlint.finding import Finding, Severity
from credlint.registry import RULES
from credlint.settings import TEST_POLICY_IGNORE, TEST_POLICY_REPORT, RuleSettings
from tests.conftest import run_cli

KEY = "AKIA42YQICSX5QSIJMWQ"
SECRET = "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"
DEPLOYMENT_RULES = [RULES["CL000"], RULES["CL205"], RULES["CL206"]]
DEFAULTS = RuleSettings()


def lint(path: str, text: str, settings: RuleSettings = DEFAULTS) -> list[Finding]:
    kind = kind_by_name(PurePath(path))
    assert kind is not None, path
    source = textwrap.dedent(text).lstrip("\n").encode()
    return list(lint_source(path, source, DEPLOYMENT_RULES, settings=settings, kind=kind).findings)


def found(path: str, text: str, settings: RuleSettings = DEFAULTS) -> list[tuple[int, str]]:
    return [(finding.span.line, finding.code) for finding in lint(path, text, settings)]


def assert_no_secret(findings: list[Finding], *values: str) -> None:
    for finding in findings:
        shown = json.dumps([finding.message, finding.preview, finding.explanation.to_dict()])
        for value in values:
            assert value not in shown


# --- compose -----------------------------------------------------------------------------------

COMPOSE = f"""
    x-aws: &aws
      AWS_SECRET_ACCESS_KEY: {SECRET}
    services:
      web:
        image: example/web
        environment:
          - AWS_ACCESS_KEY_ID={KEY}
          - AWS_SESSION_TOKEN
          - "AWS_SECURITY_TOKEN=${{TOKEN}}"
          - AWS_DEFAULT_REGION=eu-west-1
          - PRICE=$$AWS_ACCESS_KEY_ID
      db:
        image: example/db
        environment:
          <<: *aws
          AWS_ACCESS_KEY_ID:
          AWS_PROFILE: dev
      other:
        image: example/db
        environment: *aws
      builder:
        build:
          context: .
          args:
            AWS_ACCESS_KEY_ID: ${{AWS_ACCESS_KEY_ID}}
"""


def test_compose_environment_in_list_and_mapping_form() -> None:
    findings = lint("docker-compose.yml", COMPOSE)
    assert [(f.span.line, f.span.column, f.code) for f in findings] == [
        (2, 3, "CL205"),  # the anchor, merged into two services: reported once, where it is written
        (7, 9, "CL205"),
        (8, 9, "CL205"),
        (9, 10, "CL205"),  # inside quotes
        (16, 7, "CL205"),  # null value: taken from the shell
        (25, 9, "CL205"),  # build args
    ]
    messages = [f.message for f in findings]
    assert messages[1] == (
        "The compose file sets AWS_ACCESS_KEY_ID in the environment of service 'web' (value written in the file)"
    )
    assert "from the shell" in messages[2] and "from the shell" in messages[4]
    assert "build args of service 'builder'" in messages[5]
    assert findings[1].preview == "AKIA************JMWQ"
    assert findings[2].preview == ""
    assert_no_secret(findings, KEY, SECRET)


def test_compose_explanation_marks_link_1_and_names_container_roles() -> None:
    finding = lint("compose.yaml", COMPOSE)[1]
    steps = finding.explanation.steps
    assert (steps[0].method, steps[0].status, steps[0].line) == ("env", "this code", 7)
    assert all(step.status == "shadowed" for step in steps[1:])
    assert "ECS task role" in finding.explanation.runtime and "IRSA" in finding.explanation.runtime


def test_compose_quiet_cases() -> None:
    assert (
        found(
            "docker-compose.yml",
            """
        services:
          app:
            image: example/app
            env_file: .env
            environment:
              AWS_ACCESS_KEY_ID: ""
              MY_AWS_ACCESS_KEY_ID: x
              AWS_PROFILE: dev
            command: ["sh", "-c", "AWS_ACCESS_KEY_ID=abc aws s3 ls"]
    """,
        )
        == []
    )
    # `services:` that are not compose services (an API catalogue, say) are not a compose file.
    assert (
        found(
            "catalog.yaml",
            f"""
        services:
          billing:
            url: https://billing.example.com
            AWS_ACCESS_KEY_ID: {KEY}
    """,
        )
        == []
    )


def test_credentials_beside_a_non_aws_endpoint_are_stand_ins() -> None:
    findings = lint(
        "docker-compose.yml",
        """
        services:
          mlflow:
            image: example/mlflow
            environment:
              - AWS_ACCESS_KEY_ID=minioadmin
              - MLFLOW_S3_ENDPOINT_URL=http://minio:9000
          uploader:
            image: example/uploader
            environment:
              AWS_ACCESS_KEY_ID: AKIA42YQICSX5QSIJMWQ
              AWS_ENDPOINT_URL: https://s3.eu-west-1.amazonaws.com
          other:
            image: example/other
            environment:
              AWS_ACCESS_KEY_ID: AKIAQ7RWN3HV5D2KT4LM
    """,
    )
    assert [(f.span.line, f.severity) for f in findings] == [
        (5, Severity.INFO),
        (10, Severity.WARNING),  # the endpoint is AWS's own
        (15, Severity.WARNING),  # the stand-in endpoint is another service's
    ]
    assert findings[0].message == (
        "The compose file sets AWS_ACCESS_KEY_ID in the environment of service 'mlflow' (value written in the "
        "file, beside MLFLOW_S3_ENDPOINT_URL, which points at an endpoint outside AWS)"
    )


# --- Dockerfile --------------------------------------------------------------------------------


def test_dockerfile_env_and_arg_forms() -> None:
    findings = lint(
        "Dockerfile",
        f"""
        FROM python:3.12 AS build
        ARG AWS_ACCESS_KEY_ID
        ARG AWS_SECRET_ACCESS_KEY=""
        ENV A=1 \\
            AWS_SESSION_TOKEN="abc def" B='x'
        ENV AWS_SECURITY_TOKEN legacy form value
        env AWS_ACCESS_KEY_ID=$AWS_ACCESS_KEY_ID
        RUN <<EOF
        ENV AWS_ACCESS_KEY_ID={KEY}
        EOF
        RUN AWS_ACCESS_KEY_ID={KEY} aws s3 ls
        ENV AWS_SECRET_ACCESS_KEY=
        FROM python:3.12
        ARG AWS_SECRET_ACCESS_KEY={SECRET}
    """,
    )
    assert [(f.span.line, f.span.column, f.code) for f in findings] == [
        (2, 5, "CL205"),
        (3, 5, "CL205"),
        (5, 5, "CL205"),  # on the continuation line
        (6, 5, "CL205"),
        (7, 5, "CL205"),
        (14, 5, "CL205"),
    ]
    assert "an ARG instruction" in findings[0].message and "--build-arg" in findings[0].message
    assert "--build-arg" in findings[1].message  # an empty default: the value comes from --build-arg
    assert "an ENV instruction" in findings[2].message and "written in the file" in findings[2].message
    assert "--build-arg" in findings[4].message  # ENV copies a build argument
    runtime = findings[2].explanation.runtime
    assert "docker history" in runtime and "ECS task role" in runtime
    assert "--mount=type=secret" in findings[2].explanation.fix
    assert_no_secret(findings, KEY, SECRET, "abc def")


def test_dockerfile_parser_neither_writes_files_nor_reads_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "from-the-environment")
    document = read_deployment_file("dockerfile", "Dockerfile", "FROM x\nENV AWS_ACCESS_KEY_ID=$AWS_ACCESS_KEY_ID\n")
    assert [(e.variable, e.value, e.value_kind) for e in document.entries] == [
        ("AWS_ACCESS_KEY_ID", "$AWS_ACCESS_KEY_ID", "host")
    ]
    assert list(tmp_path.iterdir()) == []


# --- Kubernetes --------------------------------------------------------------------------------

KUBERNETES = f"""
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: api
    spec:
      template:
        spec:
          initContainers:
            - name: migrate
              env:
                - name: AWS_ACCESS_KEY_ID
                  value: {KEY}
          containers:
            - name: api
              envFrom:
                - secretRef: {{name: aws}}
              env:
                - name: AWS_SECRET_ACCESS_KEY
                  valueFrom:
                    secretKeyRef: {{name: aws, key: secret}}
                - name: "AWS_SESSION_TOKEN"
                  valueFrom:
                    configMapKeyRef: {{name: aws, key: token}}
                - name: AWS_ACCESS_KEY_ID
                - name: AWS_REGION
                  value: eu-west-1
    ---
    apiVersion: batch/v1
    kind: CronJob
    metadata:
      name: nightly
    spec:
      jobTemplate:
        spec:
          template:
            spec:
              containers:
                - name: job
                  env:
                    - name: AWS_ACCESS_KEY_ID
                      value: $(KEY_FROM_ELSEWHERE)
    ---
    apiVersion: v1
    kind: List
    items:
      - apiVersion: v1
        kind: Pod
        metadata:
          name: debug
        spec:
          containers:
            - name: shell
              env:
                - name: AWS_SECRET_ACCESS_KEY
                  value: {SECRET}
"""


def test_kubernetes_env_of_every_pod_template() -> None:
    findings = lint("k8s/all.yaml", KUBERNETES)
    assert [(f.span.line, f.span.column, f.code) for f in findings] == [
        (11, 21, "CL205"),
        (18, 21, "CL205"),
        (21, 22, "CL205"),  # line 23, a name with neither value nor valueFrom, is set to ""
        (40, 25, "CL205"),
        (54, 21, "CL205"),
    ]
    assert findings[0].message == (
        "The Kubernetes manifest sets AWS_ACCESS_KEY_ID in the env of init container 'migrate' in "
        "Deployment 'api' (value written in the file)"
    )
    assert "from a Kubernetes Secret" in findings[1].message
    assert "ConfigMap" in findings[2].message
    assert "CronJob 'nightly'" in findings[3].message and "$(VAR)" in findings[3].message
    assert "Pod 'debug'" in findings[4].message
    runtime = findings[1].explanation.runtime
    assert "IRSA" in runtime and "EKS Pod Identity" in runtime and "Kubernetes Secret" in runtime
    assert "service account" in findings[1].explanation.fix
    assert_no_secret(findings, KEY, SECRET)


def test_kubernetes_quiet_cases() -> None:
    # Helm values and other YAML with `env:` lists are not manifests.
    assert (
        found(
            "values.yaml",
            f"""
        env:
          - name: AWS_ACCESS_KEY_ID
            value: {KEY}
    """,
        )
        == []
    )
    # A Secret holds the key but sets no variable; a ConfigMap's data is not an env.
    assert (
        found(
            "secret.yaml",
            f"""
        apiVersion: v1
        kind: Secret
        metadata: {{name: aws}}
        stringData:
          AWS_ACCESS_KEY_ID: {KEY}
    """,
        )
        == []
    )


# --- ECS ---------------------------------------------------------------------------------------


def test_ecs_register_input_in_json() -> None:
    text = f"""
        {{
          "family": "api",
          "taskRoleArn": "arn:aws:iam::111122223333:role/api",
          "containerDefinitions": [
            {{
              "name": "api",
              "environment": [
                {{"name": "AWS_REGION", "value": "eu-west-1"}},
                {{"name": "AWS_ACCESS_KEY_ID", "value": "{KEY}"}}
              ],
              "secrets": [{{"name": "AWS_SECRET_ACCESS_KEY", "valueFrom": "arn:aws:ssm:eu-west-1:1:parameter/k"}}]
            }}
          ]
        }}
    """
    findings = lint("task-definition.json", text)
    assert [(f.span.line, f.span.column, f.code) for f in findings] == [(9, 19, "CL205"), (11, 29, "CL205")]
    assert findings[0].message == (
        "The ECS task definition sets AWS_ACCESS_KEY_ID in the environment of container 'api' "
        "(value written in the file)"
    )
    assert "Secrets Manager or SSM Parameter Store" in findings[1].message
    assert "taskRoleArn" in findings[0].explanation.fix
    assert "ECS task role" in findings[0].explanation.runtime
    assert_no_secret(findings, KEY)


def test_json_characters_yaml_refuses_keep_positions() -> None:
    text = '{"containerDefinitions": [{"name": "a\u0085\u2028\u007f", "environment": [\n  {"name": "AWS_ACCESS_KEY_ID", "value": "k"}]}]}\n'
    assert [(f.span.line, f.span.column) for f in lint("task.json", text)] == [(2, 13)]


def test_ecs_describe_output_and_yaml() -> None:
    described = '{"taskDefinition": {"containerDefinitions": [\n\t{"name": "a", "environment": [\n\t\t{"name": "AWS_SESSION_TOKEN", "value": "tok"}]}]}}\n'
    assert [(f.span.line, f.span.column) for f in lint("described.json", described)] == [(3, 13)]
    assert found(
        "ecs/task.yaml",
        """
        family: api
        containerDefinitions:
          - name: api
            image: example/api
            environment:
              - name: AWS_ACCESS_KEY_ID
                value: abc
    """,
    ) == [(6, "CL205")]


# --- GitHub Actions ----------------------------------------------------------------------------

WORKFLOW = """
    name: deploy
    on:
      push:
        branches: [main]
    env:
      AWS_ACCESS_KEY_ID: ${{ secrets.AWS_ACCESS_KEY_ID }}
      AWS_REGION: eu-west-1
    jobs:
      deploy:
        runs-on: ubuntu-latest
        env:
          AWS_SECRET_ACCESS_KEY: ${{ vars.KEY }}
        services:
          localstack:
            image: localstack/localstack
            env:
              AWS_ACCESS_KEY_ID: test
        steps:
          - uses: actions/checkout@v4
          - name: Credentials
            uses: aws-actions/configure-aws-credentials@v4
            with:
              aws-access-key-id: ${{ secrets.KEY_ID }}
              aws-secret-access-key: ${{ secrets.SECRET }}
              aws-region: eu-west-1
          - uses: aws-actions/configure-aws-credentials@v4
            with:
              role-to-assume: arn:aws:iam::111122223333:role/deploy
              aws-region: eu-west-1
          - run: ./deploy.sh
            env:
              AWS_SESSION_TOKEN: literal-token-value
"""


def test_workflow_env_levels_and_configure_aws_credentials() -> None:
    findings = lint(".github/workflows/deploy.yml", WORKFLOW)
    assert [(f.span.line, f.code, f.severity) for f in findings] == [
        (6, "CL205", Severity.WARNING),
        (12, "CL205", Severity.WARNING),
        (17, "CL205", Severity.INFO),  # localstack's stand-in key
        (23, "CL205", Severity.WARNING),
        (32, "CL205", Severity.WARNING),
    ]
    assert "the workflow-level env" in findings[0].message and "GitHub secret" in findings[0].message
    assert "job 'deploy'" in findings[1].message and "workflow expression" in findings[1].message
    assert findings[3].message == (
        "The GitHub Actions workflow gives aws-actions/configure-aws-credentials a stored access key in "
        "step 2 ('Credentials') of job 'deploy' (value from a GitHub secret) instead of a role to assume"
    )
    assert "step 4 of job 'deploy'" in findings[4].message
    for finding in findings:
        assert "OIDC" in finding.explanation.runtime and "role-to-assume" in finding.explanation.fix
    assert_no_secret(findings, "literal-token-value")


def test_role_chaining_with_an_earlier_sessions_keys_is_not_a_stored_key() -> None:
    workflow = """\
on: push
jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          role-to-assume: ${{ secrets.OIDC_ROLE }}
          aws-region: us-east-1
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          aws-access-key-id: ${{ env.AWS_ACCESS_KEY_ID }}
          aws-secret-access-key: ${{ env.AWS_SECRET_ACCESS_KEY }}
          aws-session-token: ${{ env.AWS_SESSION_TOKEN }}
          role-to-assume: arn:aws:iam::111122223333:role/publisher
          aws-region: us-east-1
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          aws-access-key-id: ${{ secrets.KEY_ID }}
          aws-secret-access-key: ${{ secrets.SECRET }}
          role-to-assume: arn:aws:iam::111122223333:role/publisher
"""
    assert [(f.span.line, f.code) for f in lint(".github/workflows/publish.yml", workflow)] == [(19, "CL205")]


def test_workflow_by_shape_outside_github_directory_and_quiet_yaml() -> None:
    assert found("ci/deploy.yaml", WORKFLOW) == [
        (6, "CL205"),
        (12, "CL205"),
        (17, "CL205"),
        (23, "CL205"),
        (32, "CL205"),
    ]
    # `jobs:` with no trigger and outside .github/workflows: some other tool's file.
    assert (
        found(
            "scheduler.yaml",
            """
        jobs:
          nightly:
            env:
              AWS_ACCESS_KEY_ID: abc
    """,
        )
        == []
    )


# --- dotenv and systemd ------------------------------------------------------------------------


def test_dotenv_bindings() -> None:
    findings = lint(
        ".env",
        f"""
        # AWS_ACCESS_KEY_ID=commented-out
        AWS_ACCESS_KEY_ID={KEY}  # the deploy user
        export AWS_SECRET_ACCESS_KEY='{SECRET}'
        AWS_SESSION_TOKEN=${{TOKEN}}
        AWS_SECURITY_TOKEN=
        AWS_PROFILE=dev
        AWS_SESSION_TOKEN=$(pass show aws/token)
    """,
    )
    assert [(f.span.line, f.span.column, f.code) for f in findings] == [
        (2, 1, "CL205"),
        (3, 8, "CL205"),
        (4, 1, "CL205"),
        (7, 1, "CL205"),
    ]
    assert findings[3].message == "The dotenv file sets AWS_SESSION_TOKEN (value printed by a shell command, $(...))"
    assert findings[3].preview == ""
    assert findings[0].message == "The dotenv file sets AWS_ACCESS_KEY_ID (value written in the file)"
    assert "environment where the file is loaded" in findings[2].message
    assert "instance profile" in findings[0].explanation.runtime
    assert_no_secret(findings, KEY, SECRET)


def test_systemd_environment_quoting_continuation_and_pass_environment() -> None:
    findings = lint(
        "worker.service",
        f"""
        [Unit]
        Description=Environment=AWS_ACCESS_KEY_ID=not-a-service-setting
        [Service]
        # Environment=AWS_ACCESS_KEY_ID=commented
        Environment="AWS_ACCESS_KEY_ID={KEY}" "LABEL=a b" \\
          AWS_SECRET_ACCESS_KEY={SECRET}  # trailing words without = are ignored
        Environment=MY_AWS_ACCESS_KEY_ID=x
        PassEnvironment=AWS_SESSION_TOKEN HOME
        EnvironmentFile=/etc/worker/aws.env
    """,
    )
    assert [(f.span.line, f.span.column, f.code) for f in findings] == [
        (5, 14, "CL205"),
        (6, 3, "CL205"),
        (8, 17, "CL205"),
    ]
    assert findings[0].message == (
        "The systemd unit sets AWS_ACCESS_KEY_ID in an Environment= line of [Service] (value written in the file)"
    )
    assert "service manager" in findings[2].message
    assert_no_secret(findings, KEY, SECRET)


def test_systemd_drop_in_and_unbalanced_quotes() -> None:
    assert found("app.service.d/override.conf", "[Service]\nEnvironment=AWS_ACCESS_KEY_ID=abc\n") == [(2, "CL205")]
    assert found("app.service", '[Service]\nEnvironment="AWS_ACCESS_KEY_ID=abc\n') == []


# --- CloudFormation and SAM: CL206 -------------------------------------------------------------

SAM = """
    AWSTemplateFormatVersion: "2010-09-09"
    Transform: AWS::Serverless-2016-10-31
    Globals:
      Function:
        Environment:
          Variables:
            AWS_REGION: eu-west-1
    Resources:
      Fn:
        Type: AWS::Serverless::Function
        Properties:
          Environment:
            Variables:
              AWS_ACCESS_KEY_ID: !Ref KeyId
              AWS_SECRET_ACCESS_KEY: "{{resolve:secretsmanager:deploy:SecretString:key}}"
              AWS_SECURITY_TOKEN: !Sub "${Token}"
              _HANDLER: app.handler
              AWS_PROFILE: ci
              TABLE: !GetAtt Table.Arn
      Task:
        Type: AWS::ECS::TaskDefinition
        Properties:
          ContainerDefinitions:
            - Name: app
              Environment:
                - Name: AWS_REGION
                  Value: eu-west-1
                - Name: AWS_ACCESS_KEY_ID
                  Value: !Ref KeyId
              Secrets:
                - Name: AWS_SECRET_ACCESS_KEY
                  ValueFrom: !Ref SecretArn
"""


def test_sam_reserved_variables_are_cl206_and_other_credentials_cl205() -> None:
    findings = lint("template.yaml", SAM)
    assert [(f.span.line, f.code) for f in findings] == [
        (7, "CL206"),
        (14, "CL206"),
        (15, "CL206"),
        (16, "CL205"),  # not reserved, but botocore reads it before AWS_SESSION_TOKEN
        (17, "CL206"),
        (28, "CL205"),  # the ECS task definition in the same template
        (31, "CL205"),
    ]
    assert findings[0].message == (
        "Lambda reserves AWS_REGION: Globals.Function.Environment of this SAM template sets it, "
        "and Lambda refuses the configuration"
    )
    region = findings[0].explanation
    assert region.chain == "region" and [s.method for s in region.steps] == ["AWS_REGION"]
    credentials = findings[1].explanation
    assert credentials.chain == "credential" and credentials.steps[0].status == "this code"
    assert "execution role" in credentials.runtime and "refuses reserved keys" in credentials.runtime
    handler = findings[4].explanation
    assert handler.chain == "none" and "handler location" in handler.summary
    assert "SAM template sets AWS_SECURITY_TOKEN" in findings[3].message
    assert "intrinsic function" in findings[5].message
    assert all(f.severity == Severity.ERROR for f in findings if f.code == "CL206")


def test_cloudformation_json_template() -> None:
    text = f"""
        {{
          "Resources": {{
            "Handler": {{
              "Type": "AWS::Lambda::Function",
              "Properties": {{"Environment": {{"Variables": {{
                "AWS_DEFAULT_REGION": "us-east-1",
                "AWS_SECRET_ACCESS_KEY": "{SECRET}",
                "LAMBDA_TASK_ROOT": "/var/task",
                "STAGE": "prod"
              }}}}}}
            }},
            "Bucket": {{"Type": "AWS::S3::Bucket"}}
          }}
        }}
    """
    findings = lint("cdk.out/Stack.template.json", text)
    assert [(f.span.line, f.span.column, f.code) for f in findings] == [
        (6, 10, "CL206"),
        (7, 10, "CL206"),
        (8, 10, "CL206"),
    ]
    assert "CloudFormation template" in findings[0].message
    assert findings[1].preview != "" and SECRET not in findings[1].preview
    assert_no_secret(findings, SECRET)


def test_lambda_reserved_names_elsewhere_are_not_cl206() -> None:
    assert (
        found(
            "docker-compose.yml",
            """
        services:
          app:
            image: example/app
            environment:
              AWS_REGION: eu-west-1
              _HANDLER: app.handler
    """,
        )
        == []
    )


# --- test policy, fake values ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        (RuleSettings(), [(1, Severity.INFO), (2, Severity.WARNING)]),
        (RuleSettings(test_file=True), [(1, Severity.INFO), (2, Severity.INFO)]),
        (RuleSettings(test_file=True, test_policy=TEST_POLICY_IGNORE), []),
        (RuleSettings(test_policy=TEST_POLICY_IGNORE), [(2, Severity.WARNING)]),
        (RuleSettings(test_file=True, test_policy=TEST_POLICY_REPORT), [(1, Severity.WARNING), (2, Severity.WARNING)]),
    ],
)
def test_fake_values_and_test_files_follow_the_test_policy(settings: RuleSettings, expected: list[object]) -> None:
    findings = lint(".env", f"AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\nAWS_SECRET_ACCESS_KEY={SECRET}\n", settings)
    assert [(f.span.line, f.severity) for f in findings] == expected


@pytest.mark.parametrize(
    "value",
    ["doesnotmatter", "not_used", "localstack", "whatever", "123456789012345678901", "just_to_make_boto3_imports_work"],
)
def test_values_that_say_they_are_no_key_are_stand_ins(value: str) -> None:
    assert [(f.code, f.severity) for f in lint(".env", f"AWS_SECRET_ACCESS_KEY={value}\n")] == [
        ("CL205", Severity.INFO)
    ]


def test_test_policy_applies_to_cl206() -> None:
    text = "Resources:\n  F:\n    Type: AWS::Lambda::Function\n    Properties: {Environment: {Variables: {AWS_ACCESS_KEY_ID: testing, AWS_REGION: x}}}\n"
    assert [(f.span.line, f.severity) for f in lint("template.yaml", text)] == [(4, Severity.INFO), (4, Severity.ERROR)]
    assert lint("template.yaml", text, RuleSettings(test_file=True, test_policy=TEST_POLICY_IGNORE)) == []


# --- shapes and parse errors -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("openapi.yaml", f"components:\n  examples:\n    key: {{AWS_ACCESS_KEY_ID: {KEY}}}\n"),
        ("fixture.json", f'{{"Environment": {{"AWS_ACCESS_KEY_ID": "{KEY}"}}}}\n'),
        ("list.json", f'[{{"name": "AWS_ACCESS_KEY_ID", "value": "{KEY}"}}]\n'),
        (".devcontainer/devcontainer.json", '{\n  // comment\n  "containerEnv": {"AWS_ACCESS_KEY_ID": "x"}\n}\n'),
        ("tsconfig.json", '{"compilerOptions": {}, /* AWS_ACCESS_KEY_ID */}\n'),
        ("scalar.yaml", "AWS_ACCESS_KEY_ID\n"),
        ("empty.yaml", "# AWS_ACCESS_KEY_ID\n"),
    ],
)
def test_files_of_no_known_shape_are_quiet(path: str, text: str) -> None:
    assert found(path, text) == []


def test_malformed_yaml_is_cl000_at_pyyaml_position() -> None:
    findings = lint("docker-compose.yml", "services:\n  web:\n    environment: AWS_ACCESS_KEY_ID: x\n")
    assert [(f.span.line, f.span.column, f.code) for f in findings] == [(3, 35, "CL000")]
    assert findings[0].message == "Could not parse the file: not valid YAML: mapping values are not allowed here"
    assert "Helm chart" in findings[0].explanation.fix


def test_helm_template_is_a_parse_error_only_when_it_holds_a_trigger() -> None:
    template = """
        apiVersion: apps/v1
        kind: Deployment
        spec:
          template:
            spec:
              containers:
                - name: app
                  env:
                    {{- range $key, $value := .Values.env }}
                    - name: {{ $key }}
                      value: {{ $value | quote }}
                    {{- end }}
    """
    assert found("templates/deployment.yaml", template + "            - name: AWS_ACCESS_KEY_ID\n") == [(9, "CL000")]
    # Without a credential variable name no rule is triggered, so the template is never parsed.
    assert found("templates/deployment.yaml", template) == []
    assert found("templates/service.yaml", "kind: Service\nspec: {{ .Values.spec }}: x\n") == []


def test_malformed_json_is_cl000_at_json_position() -> None:
    findings = lint("task.json", '{\n  "containerDefinitions": [\n    {"name": "AWS_ACCESS_KEY_ID",}\n  ]\n}\n')
    assert [(f.span.line, f.span.column, f.code) for f in findings] == [(3, 34, "CL000")]
    assert (
        findings[0].message
        == "Could not parse the file: not valid JSON: Expecting property name enclosed in double quotes"
    )


def test_read_deployment_file_raises_with_position() -> None:
    with pytest.raises(DeploymentParseError) as error:
        read_deployment_file("yaml", "a.yaml", "key: [unclosed\n")
    # The file ends inside the flow sequence: the error points at where it opens, not past the end.
    assert (error.value.line, error.value.column) == (1, 6)
    assert error.value.message == "not valid YAML: expected ',' or ']', but got '<stream end>'"
    assert error.value.message.startswith("not valid YAML: ")
    with pytest.raises(DeploymentParseError) as error:
        read_deployment_file("yaml", "a.yaml", "a: \x01\n")
    assert (error.value.line, error.value.column) == (1, 4)
    # Deeper than any recursion limit: a check run in this process before may have raised it (budget.py).
    deep = "[" * 200_000 + "]" * 200_000
    with pytest.raises(DeploymentParseError):
        read_deployment_file("json", "deep.json", deep)


# --- end to end --------------------------------------------------------------------------------


def test_cli_reports_malformed_files_alone_and_checks_the_others(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text("services:\n  web:\n    environment: AWS_ACCESS_KEY_ID: x\n")
    (tmp_path / "broken.json").write_text('{"containerDefinitions": [{"name": "AWS_ACCESS_KEY_ID"]}\n')
    (tmp_path / "docker-compose.yml").write_text(
        f"services:\n  web:\n    image: x\n    environment:\n      - AWS_ACCESS_KEY_ID={KEY}\n"
    )
    (tmp_path / "Dockerfile").write_text(f"FROM python:3.12\nENV AWS_SECRET_ACCESS_KEY={SECRET}\n")
    (tmp_path / "huge.json").write_text('{"AWS_ACCESS_KEY_ID": "' + "x" * 2_100_000 + '"}')
    (tmp_path / "binary.json").write_bytes(b"\x00\x01AWS_ACCESS_KEY_ID\x00" * 100)
    (tmp_path / "data.json").write_text('{"shapes": {"AWS_ACCESS_KEY_ID": {"type": "string"}}}')
    result = run_cli(["check", "--format", "json", "."], cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    document = json.loads(result.stdout)
    assert [(f["path"], f["line"], f["code"]) for f in document["findings"]] == [
        ("Dockerfile", 2, "CL205"),
        ("Dockerfile", 2, "CL102"),
        ("broken.json", 1, "CL000"),
        ("broken.yaml", 3, "CL000"),
        ("docker-compose.yml", 5, "CL205"),
        ("docker-compose.yml", 5, "CL101"),
    ]
    # The data file over the size limit is reported, as a warning that leaves the exit code alone.
    assert [(e["path"], e["kind"], e["level"]) for e in document["errors"]] == [("huge.json", "too-large", "warning")]
    assert KEY not in result.stdout and SECRET not in result.stdout
    compose = document["findings"][4]
    assert compose["preview"] == "AKIA************JMWQ"
    assert compose["explanation"]["steps"][0]["method"] == "env"


def test_crlf_line_endings_keep_line_numbers() -> None:
    dockerfile = 'FROM x\r\nLABEL note="\x0c"\r\nENV A=1 \\\r\n  AWS_ACCESS_KEY_ID=abc\r\n'
    unit = "[Service]\r\nEnvironment=A=1 \\\r\n  AWS_ACCESS_KEY_ID=abc\r\n"
    assert [(f.span.line, f.span.column) for f in lint("Dockerfile", dockerfile)] == [(4, 3)]
    assert [(f.span.line, f.span.column) for f in lint("app.service", unit)] == [(3, 3)]


def test_a_rejected_line_ending_in_crlf_keeps_the_next_lines_numbers() -> None:
    """python-dotenv reads the CR of a rejected line's CRLF alone: the LF would count as a line."""
    text = "NOT A BINDING\r\nDEBUG=1\r\nAWS_ACCESS_KEY_ID=abc\r\n"
    assert [(f.code, f.span.line) for f in lint(".env", text)] == [("CL205", 3)]
