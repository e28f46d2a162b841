"""The AWS stack (infra/aws), synthesised offline: it lints clean and deploys the repository's own app,
state machine and tables, with least-privilege IAM."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from chalicelib.adapters.dynamo import ALL_MODELS, ttl_attribute
from chalicelib.api.auth import UNAUTHORIZED_RESPONSE_BODY
from chalicelib.domain.accounts import Role
from chalicelib.settings import get_settings
from chalicelib.workflow.definition import load_definition, placeholders
from infra.aws.app_functions import ASYNC_FUNCTIONS, PDF_FUNCTIONS
from infra.aws.stack.workflow import STATE_MACHINE_LOG_DELIVERY
from infra.spec import camel_case
from tests.infra.conftest import ROOT, Synthesized

pytestmark = pytest.mark.slow

FUNCTION = "AWS::Serverless::Function"
# Services whose resources hold the platform's data or drive it: no wildcard action, no "*" resource.
DATA_SERVICES = ("dynamodb", "s3", "ses", "states")
# Actions AWS offers no resource-level permission for (the IAM reference says "*").
NO_RESOURCE_LEVEL = {
    "ses:GetIdentityVerificationAttributes",
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "xray:GetSamplingRules",
    "xray:GetSamplingTargets",
    *STATE_MACHINE_LOG_DELIVERY,
}


def _functions(synth: Synthesized) -> dict[str, dict]:
    return synth.of_type(FUNCTION)


def _allow_statements(synth: Synthesized):
    for name, resource in synth.resources.items():
        documents = []
        properties = resource.get("Properties", {})
        if resource["Type"] == "AWS::IAM::Policy":
            documents.append(properties["PolicyDocument"])
        if resource["Type"] == "AWS::IAM::Role":
            documents += [p["PolicyDocument"] for p in properties.get("Policies", [])]
        if resource["Type"] == FUNCTION:
            assert "Policies" not in properties, f"{name}: the function's role is the stack's, not SAM's"
        for document in documents:
            for statement in document["Statement"]:
                if statement["Effect"] == "Allow":
                    yield name, statement


def _as_list(value):
    return value if isinstance(value, list) else [value]


def test_synth_runs_offline_and_cfn_lint_finds_nothing(synth: Synthesized):
    lint = subprocess.run(
        [str(Path(sys.executable).parent / "cfn-lint"), str(synth.template_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    print(f"cdk synth: {synth.seconds:.1f} s; cfn-lint rc {lint.returncode}")
    assert lint.returncode == 0, lint.stdout + lint.stderr
    assert not synth.left_chalice_out, "synth left infra/aws/chalice.out (21 MB a run) behind"


def test_state_machine_is_the_repository_definition_with_its_functions_and_tables(synth: Synthesized):
    [machine] = synth.of_type("AWS::StepFunctions::StateMachine").values()
    properties = machine["Properties"]
    assert properties["Definition"] == load_definition()
    values = properties["DefinitionSubstitutions"]
    assert set(values) == placeholders()
    functions = _functions(synth)
    tables = synth.of_type("AWS::DynamoDB::Table")
    for placeholder, value in values.items():
        if placeholder.endswith("FunctionArn"):
            logical_id, attribute = value["Fn::GetAtt"]
            assert attribute == "Arn"
            assert logical_id in functions, f"${{{placeholder}}} → {logical_id}: no such function"
            handler = functions[logical_id]["Properties"]["Handler"]
            assert (
                handler.startswith("app.")
                and camel_case(handler.removeprefix("app.")) + "FunctionArn" == placeholder
            )
        else:
            assert value["Ref"] in tables, f"${{{placeholder}}} is not a table of the stack"
    # After substitution (CloudFormation's job) no placeholder is left and every transition lands somewhere.
    text = json.dumps(properties["Definition"])
    for placeholder in values:
        text = text.replace("${" + placeholder + "}", "resolved")
    assert "${" not in text


def test_every_function_the_app_declares_is_deployed_under_the_name_the_runtime_uses(synth: Synthesized):
    from app import app as chalice_app

    names = {f["Properties"]["FunctionName"]: f["Properties"] for f in _functions(synth).values()}
    for function in chalice_app.pure_lambda_functions:
        properties = names[f"claims-dev-{function.name}"]  # chalicelib/adapters/lambda_invoker.py
        assert properties["Handler"] == f"app.{function.name}"
    assert names["claims-dev"]["Handler"] == "app.app"
    for name in PDF_FUNCTIONS:
        pdf, api = names[f"claims-dev-{name}"], names["claims-dev"]
        assert pdf["MemorySize"] > api["MemorySize"] and pdf["Timeout"] > api["Timeout"]
    for name in ASYNC_FUNCTIONS:
        assert names[f"claims-dev-{name}"]["DeadLetterQueue"]["Type"] == "SQS"
    # The data export reads a whole account: as long as Lambda allows (15 min), more memory than the import.
    export, bulk_import = names["claims-dev-export_data"], names["claims-dev-import_claims"]
    assert export["Timeout"] == 900 and export["MemorySize"] > bulk_import["MemorySize"]


def test_iam_grants_no_wildcard_action_on_data(synth: Synthesized):
    statements = list(_allow_statements(synth))
    assert statements
    for name, statement in statements:
        actions = _as_list(statement["Action"])
        resources = _as_list(statement["Resource"])
        for action in actions:
            assert action != "*" and not action.endswith(":*"), f"{name}: {action}"
            service = action.split(":")[0]
            if service in DATA_SERVICES:
                assert "*" not in action, f"{name}: wildcard action {action}"
                if action not in NO_RESOURCE_LEVEL:
                    assert "*" not in resources, f"{name}: {action} on every resource"
            elif "*" in resources:
                assert action in NO_RESOURCE_LEVEL, f"{name}: {action} on every resource"


def test_audit_trail_is_append_only_for_the_functions(synth: Synthesized):
    [events_table] = [
        name
        for name, t in synth.of_type("AWS::DynamoDB::Table").items()
        if t["Properties"]["TableName"] == "claims-dev-claim-events"
    ]
    for name, statement in _allow_statements(synth):
        if any(
            isinstance(r, dict) and r.get("Fn::GetAtt", [None])[0] == events_table
            for r in _as_list(statement["Resource"])
        ):
            assert not {"dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"} & set(
                _as_list(statement["Action"])
            ), name


def _sorted(items, key):
    return sorted(items, key=lambda item: item[key])


def test_tables_are_exactly_the_pynamodb_models(synth: Synthesized):
    prefix = get_settings().resource_prefix
    tables = {
        t["Properties"]["TableName"]: t["Properties"] for t in synth.of_type("AWS::DynamoDB::Table").values()
    }
    for model in ALL_MODELS:
        schema = model._get_schema()
        name = "claims-dev-" + model.Meta.table_name.removeprefix(f"{prefix}-")
        table = tables.pop(name)
        assert table["BillingMode"] == "PAY_PER_REQUEST"
        assert table["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
        assert _sorted(table["KeySchema"], "KeyType") == _sorted(schema["key_schema"], "KeyType")
        assert _sorted(table["AttributeDefinitions"], "AttributeName") == _sorted(
            schema["attribute_definitions"], "AttributeName"
        )
        # The abuse-limit counters expire by DynamoDB's TTL.
        ttl = ttl_attribute(model)
        assert table.get("TimeToLiveSpecification") == (
            {"AttributeName": ttl, "Enabled": True} if ttl else None
        )
        deployed = {i["IndexName"]: i for i in table.get("GlobalSecondaryIndexes", [])}
        assert set(deployed) == {i["index_name"] for i in schema["global_secondary_indexes"]}
        for index in schema["global_secondary_indexes"]:
            mine = deployed[index["index_name"]]
            assert _sorted(mine["KeySchema"], "KeyType") == _sorted(index["key_schema"], "KeyType")
            assert mine["Projection"]["ProjectionType"] == index["projection"]["ProjectionType"]
    idempotency = tables.pop("claims-dev-idempotency")
    assert idempotency["TimeToLiveSpecification"] == {"AttributeName": "expiration", "Enabled": True}
    assert tables == {}, f"tables the app does not declare: {sorted(tables)}"


def test_the_outputs_name_the_claims_table_make_deploy_backfills(synth: Synthesized):
    # infra/aws/backfill.py reads it from cdk.out/outputs.json after cdk deploy (make deploy).
    [claims] = [
        name
        for name, table in synth.of_type("AWS::DynamoDB::Table").items()
        if table["Properties"]["TableName"] == "claims-dev-claims"
    ]
    assert synth.template["Outputs"]["ClaimsTableName"]["Value"] == {"Ref": claims}


def test_functions_get_only_variables_the_settings_read(synth: Synthesized):
    settings_source = (ROOT / "chalicelib" / "settings.py").read_text()
    read = set(re.findall(r'_(?:env|flag|local_live_off)\(\s*"([A-Z0-9_]+)"', settings_source))
    for function in _functions(synth).values():
        variables = set(function["Properties"]["Environment"]["Variables"])
        unknown = {v for v in variables - read if not v.startswith("POWERTOOLS_") and v != "FONTCONFIG_PATH"}
        assert unknown == set()
        assert {
            "CLAIMS_STAGE",
            "CLAIMS_TABLE",
            "DOCUMENTS_BUCKET",
            "ESCALATION_STATE_MACHINE_ARN",
        } <= variables


def test_stripe_keys_are_read_from_secrets_manager_at_run_time_never_configured(synth: Synthesized):
    for function in _functions(synth).values():
        variables = function["Properties"]["Environment"]["Variables"]
        assert "STRIPE_SECRET_KEY" not in variables and "STRIPE_WEBHOOK_SECRET" not in variables
        assert "resolve:secretsmanager" not in json.dumps(variables)
    api = next(f for f in _functions(synth).values() if f["Properties"]["Handler"] == "app.app")
    assert api["Properties"]["Environment"]["Variables"]["STRIPE_SECRET_NAME"] == "claims/dev/stripe"
    reads = [s for _, s in _allow_statements(synth) if s["Action"] == "secretsmanager:GetSecretValue"]
    assert len(reads) == 2  # the API's role and the workflow's (check_claim refunds)
    for statement in reads:
        assert json.dumps(statement["Resource"]).endswith(':secret:claims/dev/stripe-??????"]]}')


def test_unauthorized_gateway_response_is_the_apps_body(synth: Synthesized):
    [api] = synth.of_type("AWS::Serverless::Api").values()
    response = api["Properties"]["DefinitionBody"]["x-amazon-apigateway-gateway-responses"]["UNAUTHORIZED"]
    assert response["statusCode"] == 401
    assert json.loads(response["responseTemplates"]["application/json"]) == UNAUTHORIZED_RESPONSE_BODY


def test_buckets_are_private_encrypted_versioned_and_documents_follow_the_retention_plan(synth: Synthesized):
    buckets = synth.of_type("AWS::S3::Bucket")
    assert len(buckets) == 2
    for bucket in buckets.values():
        properties = bucket["Properties"]
        assert properties["PublicAccessBlockConfiguration"] == {
            "BlockPublicAcls": True,
            "BlockPublicPolicy": True,
            "IgnorePublicAcls": True,
            "RestrictPublicBuckets": True,
        }
        assert properties["BucketEncryption"]["ServerSideEncryptionConfiguration"]
        assert properties["VersioningConfiguration"] == {"Status": "Enabled"}
    documents = next(b["Properties"] for b in buckets.values() if "CorsConfiguration" in b["Properties"])
    rules = {rule["Id"]: rule for rule in documents["LifecycleConfiguration"]["Rules"]}
    assert {"claim-file-archive", "import-files", "lawyer-share-copies", "data-exports"} <= set(rules)
    assert rules["claim-file-archive"]["Prefix"] == "claims/"
    # The « export prêt » email says how long the file stays (chalicelib/services/data_export.py).
    from chalicelib.services.data_export import KEPT_DAYS

    assert rules["data-exports"]["Prefix"] == "exports/"
    assert rules["data-exports"]["ExpirationInDays"] == KEPT_DAYS
    [cors] = documents["CorsConfiguration"]["CorsRules"]
    assert set(cors["AllowedMethods"]) == {"POST", "GET"}


def test_user_pool_has_the_three_role_groups_and_a_client_without_secret(synth: Synthesized):
    groups = {g["Properties"]["GroupName"] for g in synth.of_type("AWS::Cognito::UserPoolGroup").values()}
    assert groups == {role.value for role in Role}
    [client] = synth.of_type("AWS::Cognito::UserPoolClient").values()
    assert client["Properties"]["GenerateSecret"] is False
    assert "ALLOW_USER_PASSWORD_AUTH" in client["Properties"]["ExplicitAuthFlows"]


def test_alarms_watch_failed_executions_function_errors_needs_attention_and_the_dlq(synth: Synthesized):
    alarms = [a["Properties"] for a in synth.of_type("AWS::CloudWatch::Alarm").values()]
    metrics = {(a["Namespace"], a["MetricName"]) for a in alarms}
    assert ("AWS/States", "ExecutionsFailed") in metrics
    assert ("AWS/SQS", "ApproximateNumberOfMessagesVisible") in metrics
    errors = {d["Value"] for a in alarms if a["MetricName"] == "Errors" for d in a["Dimensions"]}
    assert {f["Properties"]["FunctionName"] for f in _functions(synth).values()} <= errors
    invocations = {d["Value"] for a in alarms if a["MetricName"] == "Invocations" for d in a["Dimensions"]}
    assert invocations == {"claims-dev-mark_needs_attention"}


def test_cloudfront_serves_the_front_end_and_the_api_paths(synth: Synthesized):
    [distribution] = synth.of_type("AWS::CloudFront::Distribution").values()
    config = distribution["Properties"]["DistributionConfig"]
    assert config["DefaultRootObject"] == "index.html"
    assert {b["PathPattern"] for b in config["CacheBehaviors"]} == {
        "/v1/*",
        "/auth/*",
        "/health",
        "/openapi.json",
    }


def _joined(value) -> str:
    """A CloudFormation string, its references written ``<Name>`` (``Fn::Join`` of text and ``Ref``s)."""
    if isinstance(value, str):
        return value
    if "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        return separator.join(_joined(part) for part in parts)
    if "Ref" in value:
        return f"<{value['Ref']}>"
    raise AssertionError(f"unexpected value {value!r}")


def test_cloudfront_sends_the_security_headers_hsts_included(synth: Synthesized):
    from chalicelib.api.errors import API_CONTENT_SECURITY_POLICY, PERMISSIONS_POLICY

    policies = {
        name: resource["Properties"]["ResponseHeadersPolicyConfig"]
        for name, resource in synth.of_type("AWS::CloudFront::ResponseHeadersPolicy").items()
    }
    [distribution] = synth.of_type("AWS::CloudFront::Distribution").values()
    config = distribution["Properties"]["DistributionConfig"]
    frontend = config["DefaultCacheBehavior"]["ResponseHeadersPolicyId"]["Ref"]
    api = {b["ResponseHeadersPolicyId"]["Ref"] for b in config["CacheBehaviors"]}
    assert len(api) == 1 and frontend not in api, "one policy for the web interface, one for every API path"
    [api] = api

    for name in (frontend, api):
        security = policies[name]["SecurityHeadersConfig"]
        assert security["StrictTransportSecurity"] == {
            "AccessControlMaxAgeSec": 730 * 86400,
            "IncludeSubdomains": True,
            "Override": True,
        }
        assert security["ContentTypeOptions"] == {"Override": True}
        assert security["FrameOptions"] == {"FrameOption": "DENY", "Override": True}
        assert security["ReferrerPolicy"] == {"ReferrerPolicy": "no-referrer", "Override": True}
        custom = {h["Header"]: h["Value"] for h in policies[name]["CustomHeadersConfig"]["Items"]}
        assert custom["Permissions-Policy"] == PERMISSIONS_POLICY

    csp = _joined(
        policies[frontend]["SecurityHeadersConfig"]["ContentSecurityPolicy"]["ContentSecurityPolicy"]
    )
    directives = dict(d.split(" ", 1) for d in csp.split("; "))
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    bucket = "claims-dev-documents-<AWS::AccountId>-eu-west-3"
    assert directives["connect-src"] == (
        f"'self' https://{bucket}.s3.amazonaws.com https://{bucket}.s3.eu-west-3.amazonaws.com"
    )
    assert directives["frame-ancestors"] == "'none'" and directives["base-uri"] == "'none'"

    api_security = policies[api]["SecurityHeadersConfig"]
    assert api_security["ContentSecurityPolicy"]["ContentSecurityPolicy"] == API_CONTENT_SECURITY_POLICY
    assert {h["Header"]: h["Value"] for h in policies[api]["CustomHeadersConfig"]["Items"]}[
        "Cache-Control"
    ] == ("no-store")


def test_state_machine_logs_every_event_without_execution_data_and_is_traced(synth: Synthesized):
    [machine] = synth.of_type("AWS::StepFunctions::StateMachine").values()
    properties = machine["Properties"]
    assert properties["TracingConfiguration"] == {"Enabled": True}
    logging = properties["LoggingConfiguration"]
    assert logging["Level"] == "ALL" and logging["IncludeExecutionData"] is False
    [destination] = logging["Destinations"]
    group_id = destination["CloudWatchLogsLogGroup"]["LogGroupArn"]["Fn::GetAtt"][0]
    group = synth.resources[group_id]["Properties"]
    assert group["LogGroupName"] == "/aws/vendedlogs/states/claims-dev-escalation"
    assert group["RetentionInDays"] == 30
    role_id = properties["RoleArn"]["Fn::GetAtt"][0]
    actions = {
        action
        for name, statement in _allow_statements(synth)
        if synth.resources[name]["Properties"].get("Roles") == [{"Ref": role_id}]
        for action in _as_list(statement["Action"])
    }
    assert set(STATE_MACHINE_LOG_DELIVERY) <= actions
    assert {"xray:PutTraceSegments", "xray:GetSamplingRules", "xray:GetSamplingTargets"} <= actions
