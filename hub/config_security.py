"""check-config warnings for the security settings (throttling, socket limits, sizes, idle logoff).

Each warning names the setting and why its value is unwise; none of them stops the hub.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hub.config import Config

OWASP_MESSAGE_BYTES = 64 * 1024
LARGE_IMPORT_BYTES = 64 * 1024 * 1024


def _login_warnings(config: Config) -> list[str]:
    warnings = []
    if config.login_max_failures > 20:
        warnings.append(f"HUB_LOGIN_MAX_FAILURES={config.login_max_failures} allows many password guesses per account; use 20 or fewer")
    if config.login_client_max_failures > 200:
        warnings.append(f"HUB_LOGIN_CLIENT_MAX_FAILURES={config.login_client_max_failures} lets one address try many accounts")
    if config.login_window_seconds < 60:
        warnings.append(f"HUB_LOGIN_WINDOW_SECONDS={config.login_window_seconds} forgets failed logins quickly; use 60 or more")
    if config.login_max_delay_seconds < 60:
        warnings.append(f"HUB_LOGIN_MAX_DELAY_SECONDS={config.login_max_delay_seconds} barely slows down password guessing")
    return warnings


def _socket_warnings(config: Config) -> list[str]:
    warnings = []
    if config.socket_rate_per_second > 100 or config.socket_burst > 500:
        warnings.append("HUB_SOCKET_RATE_PER_SECOND/HUB_SOCKET_BURST are high: one client can flood the hub")
    if config.socket_abuse_limit == 0:
        warnings.append("HUB_SOCKET_ABUSE_LIMIT=0: a socket that keeps flooding is never disconnected")
    if config.max_message_bytes > OWASP_MESSAGE_BYTES:
        warnings.append(f"HUB_MAX_MESSAGE_BYTES={config.max_message_bytes} is above 64 KB (OWASP); use the bulk import instead")
    if config.max_import_bytes > LARGE_IMPORT_BYTES:
        warnings.append(f"HUB_MAX_IMPORT_BYTES={config.max_import_bytes} lets one request hold much memory")
    return warnings


def _session_warnings(config: Config) -> list[str]:
    warnings = []
    if config.staff_idle_minutes == 0:
        warnings.append("HUB_STAFF_IDLE_MINUTES=0: staff screens never log out when left alone")
    elif config.staff_idle_minutes > 60:
        warnings.append(f"HUB_STAFF_IDLE_MINUTES={config.staff_idle_minutes}: unattended staff screens stay logged in long")
    if config.production and config.log_level == "DEBUG":
        warnings.append("HUB_LOG_LEVEL=DEBUG in production: logs grow fast; use INFO")
    return warnings


def security_warnings(config: Config) -> list[str]:
    return _login_warnings(config) + _socket_warnings(config) + _session_warnings(config)
