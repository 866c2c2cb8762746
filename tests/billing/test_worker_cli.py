"""The ``autobill worker`` command is registered on the main command line."""

from typer.testing import CliRunner

from autobill.cli import app


def test_worker_command_is_registered() -> None:
    """``autobill worker --help`` describes the worker without starting it."""
    # when
    result = CliRunner().invoke(app, ["worker", "--help"])
    # then
    assert result.exit_code == 0
    assert "Run the worker" in result.stdout
