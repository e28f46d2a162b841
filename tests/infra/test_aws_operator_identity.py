"""The operator's legal identity on AWS (issue 24): the stage's ``operator_identity`` reaches every function
as OPERATOR_* variables; ``make deploy`` stops before building anything while it is missing or wrong, and the
functions refuse to start without it (tests/security/test_fail_closed.py)."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest

from chalicelib.settings import Seller
from infra.aws.config import (
    IDENTITY_FIELDS,
    load_stage,
    main,
    operator_environment,
    require_operator_identity,
)
from tests.infra.conftest import IDENTITY, OPERATOR_IDENTITY, ROOT, Synthesized

FUNCTION = "AWS::Serverless::Function"


def _config(tmp_path: Path, **identity: str) -> Path:
    path = tmp_path / "config.json"
    stage = {
        "mail_domain": "dev.example.fr",
        "mail_sender": "r@dev.example.fr",
        "operator_identity": identity,
    }
    path.write_text(json.dumps({"stages": {"dev": stage}}), encoding="utf-8")
    return path


def test_the_identity_fields_are_the_sellers():
    assert set(IDENTITY_FIELDS) == {f.name for f in dataclasses.fields(Seller)} - {"demo"}
    assert "siren" in IDENTITY_FIELDS and "demo" not in IDENTITY_FIELDS


def test_the_example_stage_synthesises_but_does_not_deploy_without_an_identity(tmp_path: Path, capsys):
    config = load_stage("dev")  # the repository's example: empty identity, synth works
    assert operator_environment(config) == {}
    with pytest.raises(ValueError, match="legal_name is missing; legal_form is missing; siren is missing"):
        require_operator_identity(config)
    assert main(["dev"]) == 1
    assert "operator_identity" in capsys.readouterr().err


def test_a_complete_identity_is_ready_and_becomes_the_functions_variables(tmp_path: Path):
    config = load_stage("dev", _config(tmp_path, **IDENTITY))
    require_operator_identity(config)
    assert operator_environment(config) == OPERATOR_IDENTITY


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"siren": "732829321"}, "siren '732829321' is not a valid SIREN"),
        ({"siren": "900000001", "vat_number": "FR68900000001"}, "demonstration company"),
        ({"vat_number": "FR96552100554"}, "not the French VAT number of SIREN 732829320"),
        ({"email": ""}, "email is missing"),
    ],
)
def test_a_filled_identity_must_be_right_even_to_synthesise(tmp_path: Path, change, message):
    with pytest.raises(ValueError, match=message):
        load_stage("dev", _config(tmp_path, **(IDENTITY | change)))


def test_an_unknown_identity_field_is_refused(tmp_path: Path):
    with pytest.raises(KeyError, match="siret"):
        load_stage("dev", _config(tmp_path, **IDENTITY, siret="73282932000074"))


def test_make_deploy_checks_the_stage_before_building_anything():
    result = subprocess.run(
        [sys.executable, "-m", "infra.aws.config", "dev"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1 and "make deploy: stage 'dev': operator_identity" in result.stderr
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\ndeploy:", 1)[1].split("\n\n", 1)[0]
    assert recipe.index("-m infra.aws.config $(STAGE)") < recipe.index("synth") < recipe.index("cdk deploy")


@pytest.mark.slow
def test_every_function_receives_the_identity(synth_prod: Synthesized):
    for function in synth_prod.of_type(FUNCTION).values():
        variables = function["Properties"]["Environment"]["Variables"]
        assert {name: variables.get(name) for name in OPERATOR_IDENTITY} == OPERATOR_IDENTITY
