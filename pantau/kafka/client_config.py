"""Connection settings every kafka-python client of Pantau shares (bootstrap, TLS, SASL)."""

from __future__ import annotations

from typing import Any

from pantau.errors import ConfigurationError
from pantau.settings import PantauSettings

_PROTOCOLS = {"PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"}


def kafka_connection_config(settings: PantauSettings) -> dict[str, Any]:
    """kafka-python keyword arguments for the configured cluster; the SASL password stays out of logs."""
    protocol = settings.kafka_security_protocol.upper()
    if protocol not in _PROTOCOLS:
        raise ConfigurationError(
            f"PANTAU_KAFKA_SECURITY_PROTOCOL={settings.kafka_security_protocol!r}; use one of {sorted(_PROTOCOLS)}"
        )
    config: dict[str, Any] = {"bootstrap_servers": settings.bootstrap_servers, "security_protocol": protocol}
    if settings.kafka_ssl_cafile is not None:
        config["ssl_cafile"] = str(settings.kafka_ssl_cafile)
    if protocol.startswith("SASL"):
        if not (settings.kafka_sasl_mechanism and settings.kafka_sasl_username and settings.kafka_sasl_password):
            raise ConfigurationError(
                f"{protocol} needs PANTAU_KAFKA_SASL_MECHANISM, PANTAU_KAFKA_SASL_USERNAME and "
                "PANTAU_KAFKA_SASL_PASSWORD"
            )
        config["sasl_mechanism"] = settings.kafka_sasl_mechanism
        config["sasl_plain_username"] = settings.kafka_sasl_username
        config["sasl_plain_password"] = settings.kafka_sasl_password.get_secret_value()
    return config
