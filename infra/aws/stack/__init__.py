"""The platform on AWS (``ClaimsStack``): the same ``app.py`` (through ``chalice.cdk.Chalice``) and the same
``escalation.asl.json`` as the local platform, plus what ``infra/local/provision.py`` creates locally; what
both must agree on is declared once in ``infra/spec.py``.

One module per reason to change, each a set of plain functions that add resources to the stack (no
construct of their own: the logical ids and construct paths stay those of the stack):

- ``claims.py``: ``ClaimsStack``, the wiring (who gets what) and the outputs;
- ``data.py``: the DynamoDB tables, the web pages' and documents' buckets (retention rules), the DLQ;
- ``mail.py``: SES (sending domain, configuration set, sandbox recipients);
- ``identity.py``: Cognito (user pool, groups, web client) and the API's right to administer users;
- ``roles.py``: the functions' roles and what they may do (tables, documents, mail, executions);
- ``stripe_secret.py``: Stripe's keys, a secret the Stripe functions may read;
- ``providers.py``: the public services called (company registry, rate feed) and Webstat's secret;
- ``functions.py``: the Chalice app (layers, per-function settings and environment, names, log groups);
- ``workflow.py``: the escalation state machine (its substitutions, role, logs);
- ``api_gateway.py``: the API's gate (API key only CloudFront sends, throttling, refusal body);
- ``edge.py``: CloudFront (web pages and API under one address, security headers);
- ``monitoring.py``: the alarms and the dashboard.

Resource names follow ``chalicelib.settings`` (``claims-<stage>-…``). No ``*`` action on data: every policy
lists its actions, on the stage's own resources.
"""

from infra.aws.stack.claims import ClaimsStack

__all__ = ["ClaimsStack"]
