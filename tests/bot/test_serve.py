"""bot/serve.py hands Rasa its API secret in-process, never on the command line."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from bot.serve import api_secret, with_secret


def test_the_secret_becomes_jwt_flags_of_rasa_run_only() -> None:
    assert with_secret(["serve", "run", "--enable-api"], "s3cret") == [
        "serve", "run", "--enable-api", "--jwt-secret=s3cret", "--jwt-method", "HS256"]
    assert with_secret(["serve", "train"], "s3cret") == ["serve", "train"]


def test_a_secret_that_starts_with_a_dash_is_still_the_secret() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jwt-secret")
    parser.add_argument("--jwt-method")
    argv = with_secret(["serve", "run"], "-Xy_secret")
    assert parser.parse_args(argv[2:]).jwt_secret == "-Xy_secret"


@pytest.mark.parametrize("flag", ["--auth-token=x", "--auth-token", "--auth", "-tx", "-t", "--jwt-secret", "--jwt-s"])
def test_a_secret_on_the_command_line_is_refused(flag: str) -> None:
    with pytest.raises(SystemExit, match="process list"):
        with_secret(["serve", "run", "--enable-api", flag, "x"], "s3cret")


def test_an_open_api_is_refused() -> None:
    with pytest.raises(SystemExit, match="open API"):
        with_secret(["serve", "run", "--enable-api"], "")
    assert with_secret(["serve", "run"], "") == ["serve", "run"]  # no API: nothing to protect


def test_the_secret_comes_from_a_file_or_the_environment(tmp_path: Path) -> None:
    (tmp_path / "token").write_text("from-file\n")
    assert api_secret({"RASA_TOKEN_FILE": str(tmp_path / "token"), "RASA_TOKEN": "env"}) == "from-file"
    assert api_secret({"RASA_TOKEN": " env "}) == "env"
    assert api_secret({}) == ""
