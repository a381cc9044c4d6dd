"""Every client the stream worker opens carries the configured Kafka TLS/SASL settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from pantau.catalog import load_catalog
from pantau.errors import ConfigurationError
from pantau.kafka import admin
from pantau.kafka.client_config import kafka_connection_config
from pantau.settings import PantauSettings
from streams.app import create_app
from streams.connection import aiokafka_connection_config, faust_credentials
from streams.faust_workarounds import GapReader


def sasl_ssl(tmp_path: Path) -> PantauSettings:
    return PantauSettings(
        state_dir=tmp_path,
        kafka_bootstrap="broker.example:9093",
        kafka_security_protocol="SASL_SSL",
        kafka_sasl_mechanism="SCRAM-SHA-512",
        kafka_sasl_username="pantau-worker",
        kafka_sasl_password=SecretStr("s3cret"),
    )


def test_the_faust_app_and_the_gap_reader_authenticate_as_configured(tmp_path: Path) -> None:
    settings = sasl_ssl(tmp_path)
    app = create_app(settings, load_catalog(settings.catalog), b"test-key-test-key-test-key-32byt")
    credentials: Any = app.conf.broker_credentials
    assert (credentials.protocol.value, credentials.mechanism.value) == ("SASL_SSL", "SCRAM-SHA-512")
    assert (credentials.username, credentials.password) == ("pantau-worker", "s3cret")
    assert credentials.ssl_context is not None

    reader_kwargs = GapReader(aiokafka_connection_config(settings), "pantau.events")._connection
    assert reader_kwargs["bootstrap_servers"] == "broker.example:9093"
    assert reader_kwargs["security_protocol"] == "SASL_SSL"
    assert (reader_kwargs["sasl_plain_username"], reader_kwargs["sasl_plain_password"]) == ("pantau-worker", "s3cret")
    assert reader_kwargs["ssl_context"] is not None


def test_the_admin_client_authenticates_as_configured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}
    monkeypatch.setattr(admin, "KafkaAdminClient", lambda **kwargs: seen.update(kwargs))
    admin.admin_client("broker.example:9093", connection=kafka_connection_config(sasl_ssl(tmp_path)))
    assert seen["security_protocol"] == "SASL_SSL"
    assert (seen["sasl_mechanism"], seen["sasl_plain_username"]) == ("SCRAM-SHA-512", "pantau-worker")
    assert seen["sasl_plain_password"] == "s3cret"


def test_plaintext_needs_no_credentials_and_sasl_without_a_password_is_refused(tmp_path: Path) -> None:
    assert faust_credentials(PantauSettings(state_dir=tmp_path)) is None
    assert aiokafka_connection_config(PantauSettings(state_dir=tmp_path))["security_protocol"] == "PLAINTEXT"
    with pytest.raises(ConfigurationError, match="PANTAU_KAFKA_SASL_PASSWORD"):
        faust_credentials(PantauSettings(state_dir=tmp_path, kafka_security_protocol="SASL_PLAINTEXT"))
