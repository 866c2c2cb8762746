"""Run the command line with ``python -m autobill``."""

from autobill.cli import app

if __name__ == "__main__":
    app(prog_name="autobill")
