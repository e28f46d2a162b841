"""Tests of the AWS deployment (infra/aws): the staged Lambda package, the synthesised stack, the cost model."""
