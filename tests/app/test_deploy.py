"""The files under deploy/ stay true: commands, settings, ports and headers match Camino."""

from __future__ import annotations

import configparser
import re
import shlex
from pathlib import Path
from urllib.parse import urlsplit

import click
import pytest

from bot.app.cli import main
from bot.core.config import Settings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
README = (ROOT / "README.md").read_text()
UNITS = sorted(DEPLOY.glob("*.service"))
ALIASES = {field.alias for field in Settings.model_fields.values()}


def unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(path.read_text())
    return parser


def environment_file() -> dict[str, str]:
    values = {}
    for line in (DEPLOY / "camino.env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name] = value
    return values


def resolve(args: list[str]) -> tuple[click.Command, list[str]]:
    """The `camino` command these arguments run, and the options given to it."""
    command: click.Command = main
    rest = list(args)
    while isinstance(command, click.Group) and rest and not rest[0].startswith("-"):
        found = command.get_command(click.Context(command), rest.pop(0))
        assert found is not None, args
        command = found
    return command, rest


def test_every_deploy_file_is_in_the_readme() -> None:
    for path in DEPLOY.iterdir():
        assert f"deploy/{path.name}" in README


@pytest.mark.parametrize("path", UNITS, ids=[p.name for p in UNITS])
def test_units_run_real_commands_with_the_environment_file(path: Path) -> None:
    service = unit(path)["Service"]
    program, *args = shlex.split(service["ExecStart"])
    assert program.endswith("/bin/camino")
    command, options = resolve(args)
    declared = {opt for param in command.params for opt in getattr(param, "opts", [])}
    given = [option for option in options if option.startswith("--")]
    assert set(given) <= declared, (given, declared)
    command.make_context("camino", options)  # the values parse
    assert service["EnvironmentFile"] == "/etc/camino/camino.env"
    assert service["User"] == "camino" and service["UMask"] == "0077"
    assert service["ReadWritePaths"] == service["WorkingDirectory"]


def test_the_environment_file_names_only_real_settings_for_production() -> None:
    values = environment_file()
    assert set(values) <= ALIASES, set(values) - ALIASES
    assert values["CAMINO_ENV"] == "production"
    assert values["CAMINO_PUBLIC_URL"].startswith("https://")
    assert values["CAMINO_DATABASE_URL"].startswith("postgresql+psycopg://")
    for required in ("CAMINO_DATA_KEY", "TELEGRAM_WEBHOOK_SECRET", "TWILIO_AUTH_TOKEN"):
        assert required in values
    Settings(_env_file=None, **values)  # type: ignore[arg-type]  # every value validates


def test_caddy_serves_the_public_url_and_proxies_to_the_web_unit() -> None:
    caddy = (DEPLOY / "Caddyfile").read_text()
    host = urlsplit(environment_file()["CAMINO_PUBLIC_URL"]).hostname
    assert re.search(rf"^{re.escape(str(host))} {{", caddy, re.MULTILINE)
    service = unit(DEPLOY / "camino-web.service")["Service"]
    _program, *args = shlex.split(service["ExecStart"])
    _command, options = resolve(args)
    host_option = options[options.index("--host") + 1]
    port = options[options.index("--port") + 1]
    assert host_option == "127.0.0.1"  # only the proxy reaches Camino
    assert f"reverse_proxy 127.0.0.1:{port} {{" in caddy
    # The headers uvicorn trusts, from the addresses CAMINO_TRUSTED_PROXIES names.
    assert "header_up X-Forwarded-For {remote_host}" in caddy
    assert "header_up X-Forwarded-Proto {scheme}" in caddy
    assert (
        "Environment=CAMINO_TRUSTED_PROXIES=127.0.0.1"
        in (DEPLOY / "camino-web.service").read_text()
    )
    assert "respond /metrics 404" in caddy


def test_multiprocess_metrics_have_a_directory_of_their_own() -> None:
    service = unit(DEPLOY / "camino-web.service")["Service"]
    _program, *args = shlex.split(service["ExecStart"])
    _command, options = resolve(args)
    if int(options[options.index("--workers") + 1]) > 1:
        directory = service["RuntimeDirectory"]
        assert (
            f"PROMETHEUS_MULTIPROC_DIR=/run/{directory}"
            in (DEPLOY / "camino-web.service").read_text()
        )


def test_postgresql_allows_every_camino_connection() -> None:
    conf = (DEPLOY / "postgresql.conf").read_text()
    connections = int(re.search(r"^max_connections = (\d+)", conf, re.MULTILINE).group(1))  # type: ignore[union-attr]
    per_process = 10 + 30  # bot.store.db.make_engine: pool_size + max_overflow
    assert connections >= 4 * per_process
    for line in ("fsync = on", "synchronous_commit = on", "password_encryption = scram-sha-256"):
        assert line in conf
