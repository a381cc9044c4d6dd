"""The configured Kafka security (TLS, SASL) for every client the stream worker opens.

The worker opens three kinds of client: Faust's own consumer and producer (through
`broker_credentials`), the gap reader's aiokafka consumer (streams/faust_workarounds.py) and kafka-python
admin clients (topic creation, pantau/kafka/admin.py). All three are built from the one reading of
the settings in pantau/kafka/client_config.py, so a cluster that needs TLS or SASL gets it from
each, and a wrong protocol or a missing password is refused once, before anything connects.
"""

from __future__ import annotations

import ssl
from typing import Any

from faust.auth import SASLCredentials, SSLCredentials
from faust.transport.drivers.aiokafka import credentials_to_aiokafka_auth
from faust.types.auth import CredentialsT

from pantau.kafka.client_config import kafka_connection_config
from pantau.settings import PantauSettings


def ssl_context(settings: PantauSettings) -> ssl.SSLContext:
    """A verifying TLS context, with the configured CA bundle when there is one (else the system's)."""
    cafile = str(settings.kafka_ssl_cafile) if settings.kafka_ssl_cafile is not None else None
    return ssl.create_default_context(cafile=cafile)


def faust_credentials(settings: PantauSettings) -> CredentialsT | None:
    """Faust's `broker_credentials` for the configured protocol; None for PLAINTEXT."""
    config = kafka_connection_config(settings)  # validates the protocol and the SASL fields
    protocol = config["security_protocol"]
    if protocol == "PLAINTEXT":
        return None
    if protocol == "SSL":
        return SSLCredentials(ssl_context(settings))
    return SASLCredentials(
        username=config["sasl_plain_username"],
        password=config["sasl_plain_password"],
        mechanism=config["sasl_mechanism"],
        ssl_context=ssl_context(settings) if protocol == "SASL_SSL" else None,
    )


def aiokafka_connection_config(settings: PantauSettings) -> dict[str, Any]:
    """aiokafka keyword arguments (bootstrap and security) matching what Faust's clients use."""
    auth = dict(credentials_to_aiokafka_auth(faust_credentials(settings)))
    return {"bootstrap_servers": settings.bootstrap_servers, **auth}
