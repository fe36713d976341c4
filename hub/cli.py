"""clinic-hub serve | migrate | create-user | display-token | check-config | seed-demo | audit verify."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiohttp import web

from hub.config import SETTINGS, Config, load_config, unsafe_settings, with_development_secret
from hub.domain.users import ROLES
from hub.errors import ConfigError, HubError
from hub.logsetup import access_log_options, setup_logging

# Connections the kernel holds for the hub before it accepts them (capped by
# net.core.somaxconn). aiohttp's default, 128, drops the SYNs of a reconnect storm: when an
# instance dies, its screens all come back within a second or two (bench/ S4), and a
# dropped SYN is retried only after 1, 3, 7... seconds.
LISTEN_BACKLOG = 2048


def _config() -> Config:
    return with_development_secret(load_config())


def write_private(path: Path, text: str) -> Path:
    """Write a file only its owner can read, creating its folder; never world-readable, not even briefly."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        file.write(text)
    path.chmod(0o600)
    return path


def cmd_serve(args: argparse.Namespace) -> int:
    from hub.app import create_app
    from hub.keys import first_admin_password_key

    config = _config()
    setup_logging(config)
    host, port = args.host or config.host, args.port if args.port is not None else config.port
    app = create_app(config)

    async def announce(app: web.Application) -> None:
        base = f"http://{'localhost' if host in ('127.0.0.1', '0.0.0.0') else host}:{port}"
        lines = [
            f"Clinic Hub ({config.mode}, store: {config.store}) on {base}",
            f"  health: {base}/healthz   ready: {base}/readyz   API docs: {base}/docs",
        ]
        if password := app.get(first_admin_password_key):
            path = write_private(config.data_dir / "first-admin.txt", f"{config.admin_email}\n{password}\n")
            lines += [
                "  First run: created the admin account",
                f"    email:    {config.admin_email}",
                f"    password: {password}   (also in {path}; change it)",
                f"  Log in: curl -X POST {base}/auth/login -H 'Content-Type: application/json' "
                f"-d '{{\"email\": \"{config.admin_email}\", \"password\": \"...\"}}'",
            ]
        if config.log_format == "json":  # every line of a structured log is JSON
            logging.getLogger("hub").info(" ".join(line.strip() for line in lines))
        else:
            print("\n".join(lines), flush=True)

    app.on_startup.append(announce)
    web.run_app(app, host=host, port=port, backlog=LISTEN_BACKLOG, print=None, loop=new_event_loop(config),
                **access_log_options())
    return 0


def new_event_loop(config: Config) -> asyncio.AbstractEventLoop:
    if config.event_loop == "uvloop":
        import uvloop

        return uvloop.new_event_loop()
    return asyncio.new_event_loop()


async def _with_store(config: Config, work: Callable[[Any], Awaitable[int]]) -> int:
    from hub.services.registry import create_services
    from hub.store.factory import create_store

    store = create_store(config)
    await store.open()
    try:
        await store.migrate()
        return await work(create_services(store, config))
    finally:
        await store.close()


def cmd_migrate(args: argparse.Namespace) -> int:
    config = _config()

    async def work(services: Any) -> int:
        print(f"Store {config.store}: tables and indexes are in place.")
        return 0

    return asyncio.run(_with_store(config, work))


def _read_password(args: argparse.Namespace) -> str:
    if args.password is not None:
        return args.password
    if args.password_stdin or not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Repeat password: "):
        raise SystemExit("Passwords do not match.")
    return first


def cmd_create_user(args: argparse.Namespace) -> int:
    config = _config()
    data = {
        "email": args.email,
        "first_name": args.first_name,
        "last_name": args.last_name,
        "role": args.role,
        "password": _read_password(args),
    }
    if args.doctor_id:
        data["doctor_id"] = args.doctor_id

    async def work(services: Any) -> int:
        user = await services.users.insert_account(data)
        print(f"Created {user['role']} {user['email']} (id {user['id']}).")
        return 0

    try:
        return asyncio.run(_with_store(config, work))
    except HubError as exc:
        print(f"error: {exc.code}: {exc.message}", file=sys.stderr)
        for field, problems in (exc.fields or {}).items():
            print(f"  {field}: {problems}", file=sys.stderr)
        return 2


def cmd_check_config(args: argparse.Namespace) -> int:
    try:
        config = load_config()
    except ConfigError as exc:
        print("Configuration is invalid:")
        for problem in exc.problems:
            print(f"  error: {problem}")
        return 1
    print(f"Configuration is valid ({config.mode}, store {config.store}).")
    for warning in unsafe_settings(config):
        print(f"  warning: {warning}")
    if args.verbose:
        for setting in SETTINGS:
            print(f"  {setting.env} (default {setting.default!r}): {setting.help}")
    return 0


def cmd_display_token(args: argparse.Namespace) -> int:
    """Issue, list or revoke waiting-room display tokens (display accounts)."""
    from hub.app import create_token_service
    from hub.services.displays import issue_display, list_displays, revoke_display

    config = _config()

    async def work(services: Any) -> int:
        if args.list:
            for display in await list_displays(services):
                state = "active" if display.get("active", True) else "revoked"
                print(f"{display['id']}  {display['first_name']}  {state}")
            return 0
        if args.revoke:
            await revoke_display(services, args.revoke)
            print(f"Revoked display {args.revoke}; its screens disconnect within seconds.")
            return 0
        if not args.name:
            print("error: --name is required to issue a token", file=sys.stderr)
            return 2
        display, token = await issue_display(services, create_token_service(config), args.name, args.days)
        print(f"Display {display['first_name']!r} (id {display['id']}), valid {args.days} days. Token:")
        print(token)
        print(f"Open: http://<hub>/display#token={token}")
        return 0

    try:
        return asyncio.run(_with_store(config, work))
    except HubError as exc:
        print(f"error: {exc.code}: {exc.message}", file=sys.stderr)
        return 2


def cmd_seed_demo(args: argparse.Namespace) -> int:
    from hub.seed import seed_demo

    config = _config()

    async def work(services: Any) -> int:
        summary = await seed_demo(services, config, seed=args.seed, password=args.password)
        print(summary)
        return 0

    return asyncio.run(_with_store(config, work))


def cmd_audit_verify(args: argparse.Namespace) -> int:
    """Walk every audit chain; exit 1 naming the first broken record."""
    from hub.services.audit_verify import verify

    from hub.store.factory import create_backend

    async def run() -> Any:
        store = create_backend(_config())  # the backend itself: a read cache must not hide a change
        await store.open()
        try:
            await store.migrate()
            return await verify(store)
        finally:
            await store.close()

    report = asyncio.run(run())
    if not report.ok:
        print(f"Audit trail BROKEN at {report.broken}", file=sys.stderr)
        return 1
    print(f"Audit trail intact: {report.records} records in {report.chains} chains.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="clinic-hub", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the hub")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.set_defaults(run=cmd_serve)

    commands.add_parser("migrate", help="create tables and indexes (idempotent)").set_defaults(run=cmd_migrate)

    user = commands.add_parser("create-user", help="create an account")
    user.add_argument("--email", required=True)
    user.add_argument("--role", required=True, choices=ROLES)
    user.add_argument("--first-name", default="Staff")
    user.add_argument("--last-name", default="Member")
    user.add_argument("--doctor-id", help="the doctor record a doctor account belongs to")
    user.add_argument("--password", help="prefer the prompt or --password-stdin: argv is visible to others")
    user.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    user.set_defaults(run=cmd_create_user)

    check = commands.add_parser("check-config", help="validate the configuration and warn about unsafe settings")
    check.add_argument("-v", "--verbose", action="store_true", help="also list every setting")
    check.set_defaults(run=cmd_check_config)

    display = commands.add_parser("display-token", help="issue, list or revoke waiting-room display tokens")
    display.add_argument("--name", help='e.g. "Sala A"')
    display.add_argument("--days", type=int, default=365)
    display.add_argument("--list", action="store_true")
    display.add_argument("--revoke", metavar="ID")
    display.set_defaults(run=cmd_display_token)

    seed = commands.add_parser("seed-demo", help="fill the store with a small demo clinic")
    seed.add_argument("--seed", type=int, default=7)
    seed.add_argument("--password", default="demo-clinic-2026", help="password of the demo accounts")
    seed.set_defaults(run=cmd_seed_demo)

    audit = commands.add_parser("audit", help="check the audit trail").add_subparsers(dest="audit_command", required=True)
    audit.add_parser("verify", help="check every hash chain; exit 1 naming the first broken record").set_defaults(
        run=cmd_audit_verify
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except ConfigError as exc:
        print("Configuration is invalid:", *exc.problems, sep="\n  ", file=sys.stderr)
        return 1
