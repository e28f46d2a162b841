"""``ClaimsStack``: the platform of one stage, wired from the modules of this package in the order the
resources depend on each other. It holds no resource definition itself, only who gets what.

Read top to bottom: names first (they only depend on the stage), then the data, the sender and the user
pool, the functions' roles, the Chalice app, the escalation, the web front door, the alarms.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from constructs import Construct

from infra.aws.app_functions import app_functions
from infra.aws.config import StageConfig
from infra.aws.packaging import find_target_python
from infra.aws.stack import (
    api_gateway,
    data,
    edge,
    functions,
    identity,
    mail,
    monitoring,
    providers,
    roles,
    stripe_secret,
    workflow,
)
from infra.aws.staging import stage_source


def _check_prod(config: StageConfig) -> None:
    if config.name == "prod" and not config.alarm_email:
        raise ValueError(
            "set alarm_email for the prod stage in infra/aws/config.json: alarms without a subscriber "
            "reach no one"
        )


def _public_url(scope: cdk.Stack, config: StageConfig) -> str:
    """The platform's address in emails. The functions cannot read the distribution's own address: the
    distribution fronts the API, the API calls the functions, so the functions would depend on the
    distribution (a cycle). Without a configured address, the first deploy prints it (output
    DistributionUrl) for config.json."""
    public_url = config.public_url.rstrip("/") or (
        f"https://{config.domain_name}" if config.domain_name else ""
    )
    if not public_url:
        if config.name == "prod":
            raise ValueError("set public_url (or domain_name) for the prod stage in infra/aws/config.json")
        cdk.Annotations.of(scope).add_warning_v2(
            "claims:no-public-url",
            "No public_url in infra/aws/config.json: links in emails point to a placeholder until it "
            "is set to the DistributionUrl output of the first deploy (then deploy again).",
        )
    return public_url


class ClaimsStack(cdk.Stack):
    def __init__(self, scope: Construct, config: StageConfig, **kwargs: Any) -> None:
        env = cdk.Environment(account=config.account or None, region=config.region)
        super().__init__(
            scope,
            config.name,  # the Chalice stage is the construct path of its scope: "dev", "prod"
            stack_name=config.prefix,
            env=env,
            description=f"Recouvrement de créances — plateforme serverless, étape {config.name}",
            **kwargs,
        )
        _check_prod(config)
        self.config = config  # infra/aws/nag.py reads it
        self.prefix = config.prefix
        retain = data.removal_policy(config)
        self.functions = app_functions()
        self.state_machine_arn = workflow.state_machine_arn(self, config)

        # --- data, the web front door without the API, mail, accounts -----------------------------------
        self.tables = data.tables(self, config, retain)
        self.idempotency = data.idempotency_table(self, config)
        self.frontend_bucket = data.frontend_bucket(self)
        self.distribution = edge.distribution_without_api(self, config, self.frontend_bucket)
        self.public_url = _public_url(self, config)
        self.documents = data.documents_bucket(
            self, config, distribution=self.distribution, public_url=self.public_url, retain=retain
        )
        self.mail = mail.mail(self, config)
        self.users = identity.user_pool(self, config, self.mail, retain)
        self.dlq = data.failed_events_queue(self, config)

        # --- roles ----------------------------------------------------------------------------------------
        self.api_role = roles.lambda_role(self, config, "ApiRole", "the API and its authorizer")
        self.workflow_role = roles.lambda_role(
            self, config, "WorkflowRole", "the state machine's tasks and background work"
        )
        self._grant_roles()

        # --- the Chalice app ------------------------------------------------------------------------------
        self.chalice = self._chalice_app()
        functions.name_functions(self, config, self.chalice, self.functions, self.dlq)
        api_gateway.name_and_refusal(self.chalice, config)

        # --- the escalation -------------------------------------------------------------------------------
        self.state_machine = workflow.escalation_state_machine(
            self, config, self.chalice, self.functions, self.tables
        )

        # --- the web front door and the alarms ------------------------------------------------------------
        edge.put_api_behind(self, config, self.distribution, self.chalice)
        watched = monitoring.Watched(self.functions, self.state_machine, self.mail, self.dlq)
        self.alarm_topic = monitoring.alarms(self, config, watched)
        monitoring.dashboard(self, config, watched)
        self._outputs()

    def _grant_roles(self) -> None:
        for role in (self.api_role, self.workflow_role):
            roles.grant_runtime(
                self,
                self.config,
                role,
                tables=self.tables,
                idempotency=self.idempotency,
                documents=self.documents,
                mail=self.mail,
                state_machine_arn=self.state_machine_arn,
            )
        identity.grant_user_administration(self.api_role, self.users)
        for role in (self.api_role, self.workflow_role):  # the API and check_claim (STRIPE_FUNCTIONS)
            stripe_secret.grant_read(self, self.config, role)
        for role in (self.api_role, self.workflow_role):  # the operator's check and the daily schedule
            providers.grant_read(self, self.config, role)
        roles.grant_dead_letters(self.workflow_role, self.dlq)

    def _chalice_app(self) -> Any:
        """The layers, the staged source with the stage's Chalice settings, and the Chalice construct."""
        config = self.config
        pdf_layer = functions.pdf_layer(self, config)
        target_python = find_target_python()
        dependencies = functions.dependencies_layer(self, config, target_python)
        settings = functions.chalice_stage_settings(
            self.functions,
            api_role=self.api_role,
            workflow_role=self.workflow_role,
            layers=(dependencies, pdf_layer),
            stripe_environment=stripe_secret.environment(self, config),
            environment={
                **functions.runtime_environment(
                    config,
                    tables=self.tables,
                    idempotency=self.idempotency,
                    documents_bucket=data.documents_bucket_name(self, config),
                    state_machine_arn=self.state_machine_arn,
                    public_url=self.public_url,
                    user_pool=self.users.pool,
                    user_pool_client=self.users.client,
                ),
                **providers.environment(config),
            },
        )
        source = stage_source(config.name, settings)
        return functions.chalice_app(self, source, target_python)

    def _outputs(self) -> None:
        cdk.CfnOutput(self, "PublicUrl", value=self.public_url or functions.PUBLIC_URL_PLACEHOLDER)
        cdk.CfnOutput(self, "DistributionUrl", value=f"https://{self.distribution.distribution_domain_name}")
        cdk.CfnOutput(self, "DistributionId", value=self.distribution.distribution_id)
        cdk.CfnOutput(self, "FrontendBucketName", value=self.frontend_bucket.bucket_name)
        cdk.CfnOutput(self, "DocumentsBucketName", value=self.documents.bucket_name)
        cdk.CfnOutput(self, "UserPoolId", value=self.users.pool.ref)
        cdk.CfnOutput(self, "UserPoolClientId", value=self.users.client.ref)
        cdk.CfnOutput(self, "StateMachineArn", value=self.state_machine.attr_arn)
        cdk.CfnOutput(self, "AccountsTableName", value=self.tables["ACCOUNTS_TABLE"].table_name)
        # Read by the data backfills make deploy runs after the stack (infra/aws/backfill.py).
        cdk.CfnOutput(self, "ClaimsTableName", value=self.tables["CLAIMS_TABLE"].table_name)
        mail.dkim_outputs(self, self.config, self.mail)
        cdk.CfnOutput(self, "MailConfigurationSetName", value=self.mail.configuration_set_name)
