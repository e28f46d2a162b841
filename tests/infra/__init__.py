"""Tests of the AWS deployment (infra/aws): the Lambda package, the stack, the cost model."""
