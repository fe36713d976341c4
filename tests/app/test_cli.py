"""The clinic-hub command line, run as real subprocesses against a store in tmp_path."""

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from hub.domain.national_id import validate
from tests.app.support import login
from tests.conftest import TEST_SECRET, make_config

GOOD_SECRET = "Zq8v-Lr3m-Tx9k-Wp2n-Hs7d-Jc4f-Bg6y-Ne5a"


def run(tmp_path: Path, *args: str, stdin: str | None = None, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    base.update({"HUB_SQLITE_PATH": str(tmp_path / "hub.sqlite3"), "HUB_DATA_DIR": str(tmp_path / "var"),
                 "HUB_BCRYPT_ROUNDS": "4"})
    base.update(env)
    return subprocess.run([sys.executable, "-m", "hub", *args], input=stdin, capture_output=True, text=True,
                          env=base, cwd=tmp_path, timeout=60)


def rows(tmp_path: Path, table: str) -> list[dict]:
    with sqlite3.connect(tmp_path / "hub.sqlite3") as conn:
        return [orjson.loads(doc) for (doc,) in conn.execute(f"SELECT doc FROM {table}")]  # noqa: S608 - our names


def test_check_config_development_defaults_are_valid_with_warnings(tmp_path):
    result = run(tmp_path, "check-config")
    assert result.returncode == 0, result.stderr
    assert "Configuration is valid (development, store sqlite)" in result.stdout
    assert "warning: HUB_MODE=development" in result.stdout


def test_check_config_verbose_lists_every_setting(tmp_path):
    result = run(tmp_path, "check-config", "--verbose")
    assert result.returncode == 0
    for name in ("HUB_JWT_SECRET", "HUB_TIMEZONE", "HUB_MAX_MESSAGE_BYTES", "HUB_ALLOWED_ORIGINS"):
        assert name in result.stdout


@pytest.mark.parametrize("secret", ["", "change-me", "CHANGE-ME-to-a-long-random-string"])
def test_check_config_production_with_placeholder_secret_fails(tmp_path, secret):
    result = run(tmp_path, "check-config", HUB_MODE="production", HUB_JWT_SECRET=secret,
                 HUB_ALLOWED_ORIGINS="https://clinic.example")
    assert result.returncode == 1
    assert "Configuration is invalid" in result.stdout
    assert "HUB_JWT_SECRET is a placeholder" in result.stdout


def test_check_config_production_with_star_origins_fails(tmp_path):
    result = run(tmp_path, "check-config", HUB_MODE="production", HUB_JWT_SECRET=GOOD_SECRET, HUB_ALLOWED_ORIGINS="*")
    assert result.returncode == 1
    assert "HUB_ALLOWED_ORIGINS must list origins explicitly in production, not *" in result.stdout


def test_check_config_production_with_safe_settings_is_valid(tmp_path):
    result = run(tmp_path, "check-config", HUB_MODE="production", HUB_JWT_SECRET=GOOD_SECRET,
                 HUB_ALLOWED_ORIGINS="https://clinic.example")
    assert result.returncode == 0, result.stdout
    assert "Configuration is valid (production, store sqlite)" in result.stdout


def test_check_config_reads_a_dotenv_in_the_working_directory(tmp_path):
    (tmp_path / ".env").write_text("HUB_MODE=production\nHUB_JWT_SECRET=change-me\n")
    result = run(tmp_path, "check-config")
    assert result.returncode == 1
    assert "placeholder" in result.stdout


def test_check_config_bad_values_are_all_listed(tmp_path):
    result = run(tmp_path, "check-config", HUB_PORT="http", HUB_TIMEZONE="Moon/Base")
    assert result.returncode == 1
    assert "HUB_PORT must be an integer" in result.stdout
    assert "HUB_TIMEZONE is not an IANA time zone" in result.stdout


def test_migrate_twice_is_idempotent_and_creates_tables_and_indexes(tmp_path):
    for _ in range(2):
        result = run(tmp_path, "migrate")
        assert result.returncode == 0, result.stderr
        assert "tables and indexes are in place" in result.stdout
    with sqlite3.connect(tmp_path / "hub.sqlite3") as conn:
        names = {name for (name,) in conn.execute("SELECT name FROM sqlite_master")}
    assert {"users", "patients", "doctors", "appointments", "u_patients_national_id", "u_users_email"} <= names


def test_migrate_refuses_an_invalid_config(tmp_path):
    result = run(tmp_path, "migrate", HUB_STORE="mysql")
    assert result.returncode == 1
    assert "HUB_STORE" in result.stderr


async def test_create_user_with_password_stdin_can_log_in(tmp_path, start_hub):
    result = run(tmp_path, "create-user", "--email", "Desk@Clinic.test", "--role", "reception", "--password-stdin",
                 stdin="a-very-long-password\n")
    assert result.returncode == 0, result.stderr
    assert "Created reception desk@clinic.test" in result.stdout
    assert "a-very-long-password" not in result.stdout + result.stderr
    hub = await start_hub(make_config(tmp_path))
    resp = await login(hub, "desk@clinic.test", "a-very-long-password")
    assert resp.status == 200


def test_create_user_weak_or_too_long_password_is_refused_with_exit_2(tmp_path):
    for password in ("short", "ñ" * 36 + "x"):
        result = run(tmp_path, "create-user", "--email", "a@clinic.test", "--role", "admin", "--password-stdin",
                     stdin=password + "\n")
        assert result.returncode == 2
        assert "password" in result.stderr
    assert "72 bytes" in result.stderr
    run(tmp_path, "migrate")
    assert rows(tmp_path, "users") == []


def test_create_user_doctor_needs_an_existing_doctor(tmp_path):
    result = run(tmp_path, "create-user", "--email", "doc@clinic.test", "--role", "doctor", "--password-stdin",
                 stdin="a-very-long-password\n")
    assert result.returncode == 2
    assert "doctor_id" in result.stderr
    result = run(tmp_path, "create-user", "--email", "doc@clinic.test", "--role", "doctor", "--doctor-id", "ghost",
                 "--password-stdin", stdin="a-very-long-password\n")
    assert result.returncode == 2
    assert "No such doctor" in result.stderr


def test_create_user_duplicate_email_is_refused(tmp_path):
    args = ("create-user", "--email", "twin@clinic.test", "--role", "admin", "--password-stdin")
    assert run(tmp_path, *args, stdin="a-very-long-password\n").returncode == 0
    result = run(tmp_path, *args[:2], "TWIN@clinic.test", *args[3:], stdin="a-very-long-password\n")
    assert result.returncode == 2
    assert "conflict" in result.stderr


def test_create_user_unknown_role_is_a_usage_error(tmp_path):
    result = run(tmp_path, "create-user", "--email", "x@clinic.test", "--role", "root", "--password-stdin", stdin="x\n")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr


def test_seed_demo_creates_a_realistic_small_clinic(tmp_path):
    result = run(tmp_path, "seed-demo")
    assert result.returncode == 0, result.stderr
    assert re.search(r"8 doctors, 200 patients, \d+ appointments", result.stdout)
    doctors, patients = rows(tmp_path, "doctors"), rows(tmp_path, "patients")
    appointments, users = rows(tmp_path, "appointments"), rows(tmp_path, "users")
    assert len(doctors) == 8
    assert len({d["specialty"] for d in doctors}) >= 6
    assert all(d["schedule"]["weekly"] for d in doctors)
    assert len(patients) == 200
    assert len({p["national_id"] for p in patients}) == 200
    assert all(validate(p["national_id"]) == p["national_id"] for p in patients)
    assert any(ch in "áéíóúñÁÉÍÓÚÑ" for p in patients for ch in p["first_name"] + p["last_name"])
    assert len(appointments) > 100
    patient_ids, doctor_ids = {p["id"] for p in patients}, {d["id"] for d in doctors}
    assert all(a["patient_id"] in patient_ids and a["doctor_id"] in doctor_ids for a in appointments)
    assert all(a["status"] == "scheduled" for a in appointments)
    assert {u["role"] for u in users} == {"reception", "display", "doctor"}
    assert all("password" not in u and u["password_hash"].startswith("$2b$04$") for u in users)


def test_help_lists_every_command(tmp_path):
    result = run(tmp_path, "--help")
    assert result.returncode == 0
    for command in ("serve", "migrate", "create-user", "check-config", "seed-demo"):
        assert command in result.stdout


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("given_secret", [False, True], ids=["generated_secret", "secret_from_env"])
async def test_serve_on_a_fresh_machine_prints_login_and_urls_and_answers(tmp_path, given_secret):
    """With a secret from the environment nothing else creates the data folder first."""
    import asyncio

    import aiohttp

    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    env.update({"HUB_SQLITE_PATH": str(tmp_path / "db" / "hub.sqlite3"), "HUB_DATA_DIR": str(tmp_path / "var"),
                "HUB_BCRYPT_ROUNDS": "4"})
    if given_secret:
        env["HUB_JWT_SECRET"] = TEST_SECRET
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "hub", "serve", "--port", str(port), cwd=tmp_path,
                                                env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        lines = []
        while not any("password:" in line for line in lines):
            line = (await asyncio.wait_for(proc.stdout.readline(), 15)).decode()
            assert line, (lines, (await proc.stderr.read()).decode())
            lines.append(line)
        text = "".join(lines)
        assert f"http://localhost:{port}/healthz" in text
        assert f"http://localhost:{port}/docs" in text
        assert "admin@clinic.local" in text
        password = re.search(r"password:\s+(\S+)", text).group(1)
        secret_file = tmp_path / "var" / "first-admin.txt"
        assert secret_file.read_text().split() == ["admin@clinic.local", password]
        assert secret_file.stat().st_mode & 0o777 == 0o600
        async with aiohttp.ClientSession() as http:
            for _ in range(100):
                try:
                    async with http.get(f"http://127.0.0.1:{port}/healthz") as resp:
                        if resp.status == 200:
                            break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.05)
            async with http.post(f"http://127.0.0.1:{port}/auth/login",
                                 json={"email": "admin@clinic.local", "password": password}) as resp:
                assert resp.status == 200
    finally:
        proc.terminate()
        await proc.wait()
