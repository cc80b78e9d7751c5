"""The `safecity` command: every app's sub-commands, listed here explicitly.

Each app with commands has a `cli.py` with `register(subparsers)` built on `safecity.core.cli` (parser,
errors, Django set-up, system context, exit codes). The list below is the whole command: if an app's
`cli.py` cannot be imported, `safecity` fails with that import error rather than quietly losing commands.
Nothing here imports Django, NumPy or SciPy; each command imports what it needs when it runs.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from safecity.analytics import cli as analytics_cli
from safecity.core import cli as core_cli
from safecity.demo import cli as demo_cli
from safecity.incidents import cli as incidents_cli
from safecity.policing import cli_cameras as policing_cameras_cli
from safecity.policing import cli_community as policing_community_cli
from safecity.policing import cli_complaints as policing_complaints_cli
from safecity.policing import cli_stops as policing_stops_cli
from safecity.policing import cli_training as policing_training_cli

REGISTER: tuple[Callable[[core_cli.Subparsers], None], ...] = (
    core_cli.register,  # audit, serve, manage, users, tasks, passwords
    demo_cli.register,  # demo
    incidents_cli.register,  # import
    analytics_cli.register,  # analyze
    policing_stops_cli.register,  # import stops
    policing_training_cli.register,  # import training
    policing_community_cli.register,  # import surveys
    policing_cameras_cli.register,  # import recordings
    policing_complaints_cli.register,  # import complaints
)


def build_parser() -> argparse.ArgumentParser:
    return core_cli.build_parser(*REGISTER)


def main(argv: Sequence[str] | None = None) -> int:
    return core_cli.run(build_parser(), argv)


if __name__ == "__main__":
    sys.exit(main())
