"""The README cannot drift from the code: every setting, CLI command and blueprint URL is documented."""

from __future__ import annotations

from pathlib import Path

import pytest

from fundinggraph import cli, config

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("env", [env for env, _, _ in config.describe()])
def test_every_setting_is_in_the_readme(env: str):
    assert f"`{env}`" in README or env in README


def test_every_cli_command_is_in_the_readme():
    cli._plugins()
    parser = cli.build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    missing = [name for name in commands if f"`{name}" not in README]
    assert not missing, f"commands missing from README: {missing}"


def test_the_two_commands_are_make_run_and_make_test():
    assert "make run" in README and "make test" in README
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text()
    assert "make test" in ci


def test_every_canned_query_is_counted_in_the_readme():
    queries = list((Path(__file__).resolve().parent.parent / "queries").glob("*.rq"))
    assert f"{len(queries)} canned questions" in README
