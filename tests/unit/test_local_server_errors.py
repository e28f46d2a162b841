"""A browser that closes a tab mid-request is one log line on the local platform, not a traceback."""

from __future__ import annotations

import logging

import pytest

from infra.local.webserver import _platform_server_class


@pytest.mark.parametrize("error", [BrokenPipeError(32, "Broken pipe"), ConnectionResetError(104, "reset")])
def test_a_client_gone_before_the_answer_is_one_line(error, caplog, capsys):
    server_class = _platform_server_class()
    server = server_class.__new__(server_class)  # no socket: only its error handling
    with caplog.at_level(logging.INFO, logger="claims.local"):
        try:
            raise error
        except OSError:
            server.handle_error(None, ("127.0.0.1", 51234))
    [line] = caplog.records
    assert line.getMessage() == f"client 127.0.0.1 gone before the answer was sent ({type(error).__name__})"
    assert "Traceback" not in capsys.readouterr().err


def test_any_other_error_keeps_its_traceback(capsys):
    server_class = _platform_server_class()
    server = server_class.__new__(server_class)
    try:
        raise ValueError("défaut")
    except ValueError:
        server.handle_error(None, ("127.0.0.1", 51234))
    assert "Traceback" in capsys.readouterr().err
