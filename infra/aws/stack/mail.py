"""Sending email (SES): the sending domain's identity, its configuration set and the sandbox recipients.

Nothing here waits for verification: the deploy never fails on it. The sending metrics are alarmed in
``monitoring.py``; the right to send is granted in ``roles.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

import aws_cdk as cdk
from aws_cdk import aws_ses as ses

from infra.aws.config import StageConfig

# The dimension of the sending metrics SES publishes for the configuration set (bounces, complaints…): a
# message tag no email carries, so every event gets the default value, the configuration set's name (SES
# allows only letters, digits, "_" and "-" in the name).
MAIL_METRIC_DIMENSION = "ConfigurationSet"


@dataclass(frozen=True)
class Mail:
    configuration_set: ses.ConfigurationSet
    identity: ses.EmailIdentity

    @property
    def configuration_set_name(self) -> str:
        return self.configuration_set.configuration_set_name


def mail(scope: cdk.Stack, config: StageConfig) -> Mail:
    """The sending domain's SES identity (Easy DKIM: three CNAME records, in the outputs), its default
    configuration set (bounces and complaints as CloudWatch metrics; suppression of bounced and
    complaining addresses; TLS required) and, while the account is in the sandbox, the recipients'
    identities."""
    configuration_set = ses.ConfigurationSet(
        scope,
        "MailConfigurationSet",
        configuration_set_name=f"{config.prefix}-mail",
        reputation_metrics=True,
        sending_enabled=True,
        suppression_reasons=ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
        tls_policy=ses.ConfigurationSetTlsPolicy.REQUIRE,
    )
    configuration_set.add_event_destination(
        "MailEventMetrics",
        configuration_set_event_destination_name=f"{config.prefix}-mail-metrics",
        destination=ses.EventDestination.cloud_watch_dimensions(
            [
                ses.CloudWatchDimension(
                    name=MAIL_METRIC_DIMENSION,
                    source=ses.CloudWatchDimensionSource.MESSAGE_TAG,
                    default_value=configuration_set.configuration_set_name,
                )
            ]
        ),
        events=[
            ses.EmailSendingEvent.SEND,
            ses.EmailSendingEvent.DELIVERY,
            ses.EmailSendingEvent.BOUNCE,
            ses.EmailSendingEvent.COMPLAINT,
            ses.EmailSendingEvent.REJECT,
        ],
    )
    identity = ses.EmailIdentity(
        scope,
        "MailDomain",
        identity=ses.Identity.domain(config.mail_domain),
        configuration_set=configuration_set,  # the default one: no code change needed
        dkim_signing=True,
    )
    for index, address in enumerate(config.sandbox_recipients, start=1):
        ses.EmailIdentity(scope, f"SandboxRecipient{index}", identity=ses.Identity.email(address))
    return Mail(configuration_set, identity)


def ses_identity_arn(scope: cdk.Stack, identity: str) -> str:
    """The ARN of an SES identity (an address or a domain) of the stage's account and region."""
    return scope.format_arn(service="ses", resource="identity", resource_name=identity)


def configuration_set_arn(scope: cdk.Stack, mail: Mail) -> str:
    return scope.format_arn(
        service="ses", resource="configuration-set", resource_name=mail.configuration_set_name
    )


def dkim_outputs(scope: cdk.Stack, config: StageConfig, mail: Mail) -> None:
    """The DNS records that verify the sending domain (Easy DKIM): add them to the zone of mail_domain."""
    for index, record in enumerate(mail.identity.dkim_records, start=1):
        cdk.CfnOutput(
            scope,
            f"MailDkimRecord{index}",
            description=f"CNAME to add to the DNS of {config.mail_domain}",
            value=cdk.Fn.join(" ", [record.name, "CNAME", record.value]),
        )
