import json

from chalicelib.workflow.definition import (
    ASL_PATH,
    dangling_transitions,
    load_definition,
    placeholders,
    substitute,
)


def test_every_transition_target_exists():
    assert dangling_transitions(load_definition()) == []


def test_a_dangling_transition_is_reported():
    broken = {
        "StartAt": "A",
        "States": {
            "A": {"Type": "Choice", "Choices": [{"Next": "Nowhere"}], "Default": "B"},
            "B": {"Type": "Task", "Next": "C", "Catch": [{"Next": "Lost"}]},
        },
    }
    assert sorted(dangling_transitions(broken)) == ["/A → Nowhere", "/B → C", "/B → Lost"]


def test_nested_branches_are_checked_in_their_own_scope():
    definition = {
        "StartAt": "P",
        "States": {
            "P": {
                "Type": "Parallel",
                "End": True,
                "Branches": [{"StartAt": "X", "States": {"X": {"Type": "Pass", "Next": "P"}}}],
            }
        },
    }
    assert dangling_transitions(definition) == ["/P/branch0/X → P"]


def test_every_task_has_retry_and_catch():
    for name, state in load_definition()["States"].items():
        if state["Type"] == "Task":
            assert state.get("Retry"), name
            assert state.get("Catch"), name


def test_substitution_fills_every_placeholder_and_refuses_a_missing_one():
    names = placeholders()
    assert "ClaimsTable" in names and "CheckClaimFunctionArn" in names
    text = substitute({name: f"value-of-{name}" for name in names})
    assert "${" not in text
    json.loads(text)
    try:
        substitute({})
    except KeyError as error:
        assert "ClaimsTable" in str(error)
    else:  # pragma: no cover
        raise AssertionError("a missing substitution must be an error")


def test_definition_is_valid_json_with_a_comment():
    assert "Comment" in json.loads(ASL_PATH.read_text(encoding="utf-8"))


def test_every_function_placeholder_is_a_lambda_function_of_the_app():
    import app
    from infra.spec import camel_case

    functions = {f"{camel_case(f.name)}FunctionArn" for f in app.app.pure_lambda_functions}
    wanted = {name for name in placeholders() if name.endswith("FunctionArn")}
    assert wanted <= functions, wanted - functions


def test_callbacks_pass_their_task_token_and_time_out():
    states = load_definition()["States"]
    callbacks = {n: s for n, s in states.items() if s.get("Resource", "").endswith(".waitForTaskToken")}
    assert set(callbacks) == {"OfferEscalation", "AssignLawyer", "LawyerReview"}
    for state in callbacks.values():
        assert state["Parameters"]["Payload"]["task_token.$"] == "$$.Task.Token"
        assert state["TimeoutSeconds"] > 0
        assert any("States.Timeout" in c["ErrorEquals"] for c in state["Catch"])
    assert states["OfferEscalation"]["TimeoutSeconds"] == 30 * 24 * 3600
    assert states["AssignLawyer"]["TimeoutSeconds"] == 7 * 24 * 3600
    # [POLICY] a review unanswered in 14 days goes to the operator (needs_attention), never to the debtor.
    assert states["LawyerReview"]["TimeoutSeconds"] == 14 * 24 * 3600
    assert states["LawyerReview"]["Catch"][0] == {
        "ErrorEquals": ["States.Timeout"],
        "ResultPath": "$.error",
        "Next": "MarkNeedsAttention",
    }


def test_a_claim_for_review_reaches_the_lawyer_before_any_letter():
    states = load_definition()["States"]
    assert states["IsAdmissible"]["Choices"][0]["Next"] == "NeedsReview"
    assert states["NeedsReview"]["Choices"][0]["Next"] == "LawyerReview"
    assert states["NeedsReview"]["Default"] == "WantsReminder"
    assert states["ReviewDecision"]["Choices"][0]["Next"] == "WantsReminder"
    assert states["ReviewDecision"]["Default"] == "ReviewRefused"
    assert states["CheckClaim"]["ResultSelector"]["review.$"] == "$.Payload.review"


def test_only_the_lawyers_silence_passes_a_dossier_on_never_a_resumed_wait():
    """A redrive or a restart re-enters AssignLawyer directly (Route, resume_at = assign): the lawyer keeps
    the dossier. Only the callback's 7-day timeout goes through LawyerNoAnswer, which leaves them out."""
    states = load_definition()["States"]
    timeout = next(c for c in states["AssignLawyer"]["Catch"] if "States.Timeout" in c["ErrorEquals"])
    assert timeout["Next"] == "LawyerNoAnswer"
    assert states["LawyerNoAnswer"]["Next"] == "AssignLawyer"
    assert states["LawyerNoAnswer"]["Catch"][0]["Next"] == "MarkNeedsAttention"
    resume = [c for c in states["Route"]["Choices"] if c["Next"] == "AssignLawyer"]
    assert resume and all(c["Next"] != "LawyerNoAnswer" for c in states["Route"]["Choices"])


def test_a_claim_item_without_status_reaches_the_operator_not_a_runtime_error():
    """States.ALL cannot catch States.Runtime, which a ResultSelector or a Choice on a missing path raises:
    the DynamoDB reads keep the raw item, a Choice tests that the status is present, and a missing one goes
    to MarkNeedsAttention."""
    definition = load_definition()
    states = definition["States"]
    for read in ("ReadClaim", "ReadAfterReminder"):
        assert "ResultSelector" not in states[read]
        found = states[states[read]["Next"]]
        assert found["Type"] == "Choice" and found["Choices"][0]["IsPresent"] is True
        assert found["Default"] == "ClaimItemUnreadable"
        assert states[found["Choices"][0]["Next"]]["Parameters"] == {"status.$": "$.read.Item.status.S"}
    assert states["ClaimItemUnreadable"]["Next"] == "MarkNeedsAttention"
    assert dangling_transitions(definition) == []
