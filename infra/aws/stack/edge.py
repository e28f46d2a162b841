"""The web front door (CloudFront): one address for the web pages (``frontend/`` from its bucket) and the
API (API Gateway behind the same distribution), TLS, and the security headers of every answer.

The distribution is created before the API exists (the documents bucket's CORS rule needs its address),
and the API's paths are added once the Chalice app is there (``put_api_behind``).
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_s3 as s3

from infra.aws.config import StageConfig
from infra.aws.stack.api_gateway import API_KEY_HEADER, API_STAGE, only_through_cloudfront
from infra.aws.stack.data import documents_bucket_name

# Paths of the API served by CloudFront in front of API Gateway (everything else is frontend/).
API_PATHS = ("/v1/*", "/auth/*", "/health", "/openapi.json")


def distribution_without_api(
    scope: cdk.Stack, config: StageConfig, frontend_bucket: s3.Bucket
) -> cloudfront.Distribution:
    """The distribution serving the web pages (its default behaviour), with the custom domain if any."""
    certificate = None
    if config.domain_name and config.certificate_arn:
        from aws_cdk import aws_certificatemanager as acm

        certificate = acm.Certificate.from_certificate_arn(scope, "Certificate", config.certificate_arn)
    return cloudfront.Distribution(
        scope,
        "Distribution",
        comment=f"{config.prefix}: frontend/ and the API",
        default_root_object="index.html",
        domain_names=[config.domain_name] if certificate else None,
        certificate=certificate,
        price_class=cloudfront.PriceClass.PRICE_CLASS_100,
        minimum_protocol_version=cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
        default_behavior=cloudfront.BehaviorOptions(
            origin=origins.S3BucketOrigin.with_origin_access_control(frontend_bucket),
            viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
            cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
            response_headers_policy=headers_policy(scope, config, "FrontendHeaders", frontend=True),
        ),
    )


def _content_security_policy(scope: cdk.Stack, config: StageConfig, *, frontend: bool) -> str:
    from chalicelib.api.errors import API_CONTENT_SECURITY_POLICY, frontend_content_security_policy

    if not frontend:
        return API_CONTENT_SECURITY_POLICY
    bucket = documents_bucket_name(scope, config)
    return frontend_content_security_policy(
        [f"https://{bucket}.s3.amazonaws.com", f"https://{bucket}.s3.{scope.region}.amazonaws.com"]
    )


def headers_policy(
    scope: cdk.Stack, config: StageConfig, policy_id: str, *, frontend: bool
) -> cloudfront.ResponseHeadersPolicy:
    """The security headers of every answer, as the local platform sends them
    (``chalicelib/api/errors.py``, ``infra/local/webserver.py``), plus HSTS, which only makes sense here
    (HTTPS). ``frontend``: the web interface's Content-Security-Policy, whose only other origin is the
    documents bucket the browser uploads to (presigned POST: ``<bucket>.s3.amazonaws.com``, or its
    regional name after a redirect); else the API's (JSON loads nothing) and no caching."""
    from chalicelib.api.errors import PERMISSIONS_POLICY

    policy = _content_security_policy(scope, config, frontend=frontend)
    custom = [
        cloudfront.ResponseCustomHeader(header="Permissions-Policy", value=PERMISSIONS_POLICY, override=True)
    ]
    if not frontend:
        custom.append(
            cloudfront.ResponseCustomHeader(header="Cache-Control", value="no-store", override=True)
        )
    return cloudfront.ResponseHeadersPolicy(
        scope,
        policy_id,
        response_headers_policy_name=f"{config.prefix}-{'frontend' if frontend else 'api'}-headers",
        comment=f"{config.prefix}: security headers of the {'web interface' if frontend else 'API'}",
        security_headers_behavior=cloudfront.ResponseSecurityHeadersBehavior(
            content_security_policy=cloudfront.ResponseHeadersContentSecurityPolicy(
                content_security_policy=policy, override=True
            ),
            content_type_options=cloudfront.ResponseHeadersContentTypeOptions(override=True),
            frame_options=cloudfront.ResponseHeadersFrameOptions(
                frame_option=cloudfront.HeadersFrameOption.DENY, override=True
            ),
            referrer_policy=cloudfront.ResponseHeadersReferrerPolicy(
                referrer_policy=cloudfront.HeadersReferrerPolicy.NO_REFERRER, override=True
            ),
            strict_transport_security=cloudfront.ResponseHeadersStrictTransportSecurity(
                access_control_max_age=cdk.Duration.days(730), include_subdomains=True, override=True
            ),
        ),
        custom_headers_behavior=cloudfront.ResponseCustomHeadersBehavior(custom_headers=custom),
    )


def put_api_behind(
    scope: cdk.Stack, config: StageConfig, distribution: cloudfront.Distribution, chalice: Any
) -> None:
    """The API under the same address as the web pages (the front end calls ``/health``, ``/v1/…``)."""
    rest_api_id = chalice.get_resource("RestAPI").ref
    api_headers = headers_policy(scope, config, "ApiHeaders", frontend=False)
    origin_key = only_through_cloudfront(scope, config, chalice)
    api_origin = origins.HttpOrigin(
        f"{rest_api_id}.execute-api.{scope.region}.{scope.url_suffix}",
        origin_path=f"/{API_STAGE}",
        protocol_policy=cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
        # Replaces any x-api-key a viewer sends: only CloudFront holds the key.
        custom_headers={API_KEY_HEADER: origin_key},
    )
    for path in API_PATHS:
        distribution.add_behavior(
            path,
            api_origin,
            viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
            allowed_methods=cloudfront.AllowedMethods.ALLOW_ALL,
            cache_policy=cloudfront.CachePolicy.CACHING_DISABLED,
            origin_request_policy=cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
            response_headers_policy=api_headers,
        )
