"""`safecity demo`: build (or refresh) the demo city."""

from __future__ import annotations

import argparse
import sys

from safecity.core.cli import ExitCode, Subparsers, setup_django, system_context


def cmd_demo(args: argparse.Namespace) -> int:
    setup_django()
    from safecity.core import warmup
    from safecity.demo.build import build_demo

    with system_context():
        build_demo(seed=args.seed, incidents=not args.no_incidents, out=sys.stdout)
    if not args.no_incidents:  # the city's analyses, ready before anyone opens them
        warmup.warm(out=sys.stdout)
    return ExitCode.OK


def register(sub: Subparsers) -> None:
    demo = sub.add_parser("demo", help="build (or refresh) the demo city")
    demo.add_argument("--seed", type=int, default=2026)
    demo.add_argument("--no-incidents", action="store_true", help="skip generating incident data")
    demo.set_defaults(func=cmd_demo)
