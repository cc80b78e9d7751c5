"""The command-line base every app's `cli.py` builds on, and core's own commands.

An app with commands has a `cli.py` with `register(subparsers)`; `safecity/cli.py` lists every app's
`register` explicitly, so a module that fails to import fails `safecity` loudly instead of dropping its
commands. Nothing here imports Django at module level: `safecity --help` and the pure `analyze` commands
start without it, and a command sets Django up (`setup_django()`) only when it needs the database.
"""

from __future__ import annotations

import argparse
import contextlib
import enum
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeAlias

if TYPE_CHECKING:
    from safecity.core.context import ActingContext

# What `register` receives: the set of sub-commands of `safecity` (argparse has no public name for it).
Subparsers: TypeAlias = "argparse._SubParsersAction[Any]"
Handler: TypeAlias = Callable[[argparse.Namespace], int]


class ExitCode(enum.IntEnum):
    OK = 0
    PARTIAL = 1  # the command ran but found or left something wrong (rejected rows, a broken chain)
    USAGE = 2  # bad arguments or input, or nothing could be done; the message names the argument
    INTERRUPTED = 130


class CLIError(Exception):
    """A problem the user can fix; printed as one line, exit code 2."""


class Parser(argparse.ArgumentParser):
    """Usage errors are one `prog: error: ...` line after the usage, exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(ExitCode.USAGE, f"{self.prog}: error: {message}\n")


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safecity.settings")
    import django

    django.setup()


def system_context() -> contextlib.AbstractContextManager[ActingContext]:
    """The acting context of a command-line run: audit events say they came from the command line."""
    from safecity.core import context

    return context.acting(context.ActingContext(channel="cli", user_agent="safecity-cli",
                                                purpose=os.environ.get("SAFECITY_PURPOSE", "")))


def build_parser(*registers: Callable[[Subparsers], None]) -> Parser:
    """The `safecity` parser with the sub-commands the given `register` functions add."""
    parser = Parser(prog="safecity", description="safecity public-safety platform")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    for register in registers:
        register(sub)
    return parser


def run(parser: argparse.ArgumentParser, argv: Sequence[str] | None = None) -> int:
    """Parse, run the chosen handler and turn every failure into one line and an exit code."""
    args = parser.parse_args(argv)
    handler: Handler = args.func
    try:
        return int(handler(args) or 0)
    except CLIError as exc:
        print(f"safecity: error: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    except KeyboardInterrupt:
        print("safecity: interrupted", file=sys.stderr)
        return ExitCode.INTERRUPTED
    except Exception as exc:  # noqa: BLE001  never a traceback for the user; details on request
        if os.environ.get("SAFECITY_DEBUG_CLI"):
            raise
        from django.core.exceptions import ValidationError

        if isinstance(exc, ValidationError):
            print(f"safecity: error: {'; '.join(exc.messages)}", file=sys.stderr)
            return ExitCode.USAGE
        print(f"safecity: error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return ExitCode.USAGE


# ---- core's commands ----------------------------------------------------------------------------------


def cmd_audit_verify(args: argparse.Namespace) -> int:
    setup_django()
    from safecity.core import audit

    missing = audit.missing_triggers()
    if missing:
        print(f"audit table NOT append-only: append-only triggers missing or disabled: {', '.join(missing)}",
              file=sys.stderr)
    result = audit.verify_chain(**({"checkpoint_file": args.checkpoints} if args.checkpoints else {}))
    if not result.ok:
        print(f"audit chain BROKEN at {result.problem}", file=sys.stderr)
        return ExitCode.PARTIAL
    detail = f" ({result.legacy} legacy unkeyed)" if result.legacy else ""
    anchored = f", matching {result.checkpoints} checkpoints" if result.checkpoints else ", no checkpoints checked"
    print(f"audit chain OK: {result.checked} events verified{detail}{anchored}")
    return ExitCode.PARTIAL if missing else ExitCode.OK


def cmd_audit_checkpoint(args: argparse.Namespace) -> int:
    setup_django()
    from safecity.core import audit_checkpoints

    result = audit_checkpoints.write_checkpoint(out=args.out)
    print(result.checkpoint.line())
    for line in audit_checkpoints.describe(result):
        print(line, file=sys.stdout if result.ok else sys.stderr)
    return ExitCode.OK if result.ok else ExitCode.PARTIAL


def cmd_audit_rotate_key(args: argparse.Namespace) -> int:
    setup_django()
    from safecity.core import audit
    from safecity.core.actors import CLI

    with system_context():
        old, new = audit.rotate_key(actor=CLI)
    print(f"audit key rotated: {old} -> {new}; keep every key in the keyring to verify older events")
    return ExitCode.OK


def cmd_tasks_warm(args: argparse.Namespace) -> int:
    setup_django()
    from safecity.core import warmup

    report = warmup.warm(out=sys.stdout)
    return ExitCode.PARTIAL if report.failures else ExitCode.OK


def default_workers() -> int:
    """One worker process per core (Python runs one thread at a time per process, so a core needs a process
    to be used), at least 2 so one slow request never holds the whole site, at most 8."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 2
    return min(max(cores, 2), 8)


# gunicorn's default line plus the time the worker spent on the request, in milliseconds: an operator can
# tell a slow page from a queue in front of the server (the load benchmark reads it, benchmarks/bench_load.py).
ACCESS_LOG_FORMAT = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'


def cmd_serve(args: argparse.Namespace) -> int:
    port = args.port or int(os.environ.get("PORT", "8000"))
    host = args.host
    if args.workers < 1 or args.threads < 1:
        raise CLIError("--workers and --threads: at least 1")
    if not args.no_warm:
        # The analyses' default views, computed by a lower-priority process while the workers start, so the
        # first people in after a restart or a deploy read them instead of queueing for one computation.
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safecity.settings")
        from safecity.core import warmup

        warmup.start_background()
    # --preload: the master loads the application (every view, the code digest: wsgi.py) once and forks the
    # workers from it, so a worker — a new one after a crash too — serves its first request at full speed.
    # Threads: a page is Python holding the GIL, so more threads than a few only queue inside the process;
    # they are there so a request waiting on the database or on another's computation does not idle a core.
    os.execvp(sys.executable, [sys.executable, "-m", "gunicorn", "safecity.wsgi:application",  # noqa: S606
                               "--bind", f"{host}:{port}", "--workers", str(args.workers),
                               "--threads", str(args.threads), "--preload", "--access-logfile", "-",
                               "--access-logformat", ACCESS_LOG_FORMAT])


def cmd_manage(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safecity.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["safecity manage", *args.django_args])
    return ExitCode.OK


def cmd_unlock(args: argparse.Namespace) -> int:
    setup_django()
    from safecity.core import actions
    from safecity.core.actors import CLI
    from safecity.core.models import User

    user = User.objects.filter(username__iexact=args.username).first()
    if user is None:
        raise CLIError(f"username: no user called {args.username!r}")
    with system_context():
        actions.user_unlock(actor=CLI, user=user)
    print(f"{user.username} unlocked")
    return ExitCode.OK


def cmd_users_token(args: argparse.Namespace) -> int:
    setup_django()
    from django.conf import settings
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from safecity.core import actions
    from safecity.core.actors import CLI
    from safecity.core.models import User

    if not args.name.strip():
        raise CLIError("--name: give the token a name so it can be recognised (and revoked) later")
    if not 1 <= args.days <= settings.API_TOKEN_MAX_DAYS:
        raise CLIError(f"--days: must be between 1 and {settings.API_TOKEN_MAX_DAYS}, not {args.days}")
    user = User.objects.filter(username__iexact=args.username).first()
    if user is None:
        raise CLIError(f"USERNAME: no user called {args.username!r}")
    if not user.is_active:
        raise CLIError(f"USERNAME: {user.username} is deactivated; activate the account first")
    with system_context():
        token, secret = actions.api_token_create(actor=CLI, owner=user, name=args.name, days=args.days)
    if settings.CJI_MODE and user.is_staff_member and not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        print(f"safecity: warning: {user.username} has no two-step sign-in device; CJI mode refuses this token "
              "until they enrol one", file=sys.stderr)
    print(f"token {token.name!r} for {user.username}, expires {token.expires_at:%Y-%m-%d}; shown once:",
          file=sys.stderr)
    print(secret)
    return ExitCode.OK


def cmd_tasks_daily(args: argparse.Namespace) -> int:
    setup_django()
    from safecity.core.tasks import run_daily

    with system_context():
        report = run_daily()
    for line in report.lines():
        print(line)
    return ExitCode.OK if report.chain_ok else ExitCode.PARTIAL


def cmd_passwords_update(args: argparse.Namespace) -> int:
    setup_django()
    from safecity.core.passwords import operator_list_path
    from safecity.core.passwords_update import update_compromised_list

    try:
        count = update_compromised_list(args.file)
    except FileNotFoundError as exc:
        raise CLIError(str(exc)) from None
    print(f"compromised-password list {operator_list_path()} now holds {count:,} hashes "
          "(the packaged list of common passwords applies as well)")
    return ExitCode.OK


def register(sub: Subparsers) -> None:
    """core's commands: audit, serve, manage, users, tasks, passwords."""
    audit = sub.add_parser("audit", help="audit log tools")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True, parser_class=Parser)
    verify = audit_sub.add_parser("verify", help="verify the whole keyed chain, its checkpoints and its triggers; "
                                  "exit 1 naming the first bad event or checkpoint")
    verify.add_argument("--checkpoints", type=Path, metavar="FILE",
                        help="checkpoint file to check against (default: SAFECITY_AUDIT_CHECKPOINT_FILE if present)")
    verify.set_defaults(func=cmd_audit_verify)
    checkpoint = audit_sub.add_parser("checkpoint", help="sign the chain head and write it outside the database")
    checkpoint.add_argument("--out", type=Path, metavar="FILE", help="append to FILE instead of the checkpoint file")
    checkpoint.set_defaults(func=cmd_audit_checkpoint)
    rotate = audit_sub.add_parser("rotate-key", help="start signing with a new audit key (recorded in the chain)")
    rotate.set_defaults(func=cmd_audit_rotate_key)

    serve = sub.add_parser("serve", help="serve the site with gunicorn")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=0, help="port (default $PORT or 8000)")
    serve.add_argument("--workers", type=int, default=default_workers(),
                       help="worker processes (default: one per CPU core, at least 2: %(default)s here)")
    serve.add_argument("--threads", type=int, default=4, help="threads per worker (default 4)")
    serve.add_argument("--no-warm", action="store_true",
                       help="do not compute the analyses' default views in the background at start")
    serve.set_defaults(func=cmd_serve)

    manage = sub.add_parser("manage", help="run a Django management command", add_help=False)
    manage.add_argument("django_args", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)

    users = sub.add_parser("users", help="user administration")
    users_sub = users.add_subparsers(dest="users_command", required=True, parser_class=Parser)
    unlock = users_sub.add_parser("unlock", help="release an account locked after failed sign-ins")
    unlock.add_argument("username")
    unlock.set_defaults(func=cmd_unlock)
    token = users_sub.add_parser("token", help="create an API token for a user and print it once")
    token.add_argument("username", metavar="USERNAME")
    token.add_argument("--name", required=True, help="what the token is for, e.g. taxii-feed")
    token.add_argument("--days", type=int, default=90, help="days until it expires (default 90)")
    token.set_defaults(func=cmd_users_token)

    tasks = sub.add_parser("tasks", help="scheduled housekeeping")
    tasks_sub = tasks.add_subparsers(dest="tasks_command", required=True, parser_class=Parser)
    daily = tasks_sub.add_parser("daily", help="disable 90-day-inactive accounts, drop expired roles, verify audit")
    daily.set_defaults(func=cmd_tasks_daily)
    warm = tasks_sub.add_parser("warm", help="compute every analysis's default view for every kind of user, so "
                                             "the first person to open it does not wait (docs/analytics.md)")
    warm.set_defaults(func=cmd_tasks_warm)

    passwords = sub.add_parser("passwords", help="compromised-password list")
    pw_sub = passwords.add_subparsers(dest="pw_command", required=True, parser_class=Parser)
    update = pw_sub.add_parser("update", help="replace the operator's list from a file of passwords or SHA-1 hashes "
                                              "(plain or gzip; Have I Been Pwned HASH:COUNT lines welcome)")
    update.add_argument("file", help="the list to load; streamed, so a multi-gigabyte download is fine")
    update.set_defaults(func=cmd_passwords_update)
