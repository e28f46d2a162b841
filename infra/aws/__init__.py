"""The platform on AWS: a CDK app hosting the same app.py and escalation.asl.json as infra/local."""
