"""One exception tree for Pantau.

Every error a user can meet derives from `PantauError`, so the CLI can print its message and exit
non-zero instead of showing a stack trace. Messages say what was wrong, with which input, and what
to do about it.
"""


class PantauError(Exception):
    """Root of every error Pantau raises on purpose."""


class ConfigurationError(PantauError):
    """A setting or a command-line option has a value Pantau cannot use."""


class CatalogError(PantauError):
    """The service catalog YAML is missing, malformed or inconsistent (names file and entry)."""


class KafkaLauncherError(PantauError):
    """The local Kafka broker could not be fetched, formatted, started or stopped."""


class KafkaUnavailableError(PantauError):
    """No Kafka broker answers at the configured bootstrap address."""


class ClickHouseError(PantauError):
    """ClickHouse could not be reached or refused a query."""


class EmbeddedStoreBusyError(ClickHouseError):
    """Another process holds the embedded ClickHouse data directory (chDB allows one per path)."""


class MigrationError(ClickHouseError):
    """A schema migration failed or an applied migration file was changed afterwards."""


class DeliveryError(PantauError):
    """Kafka did not acknowledge some events after the producer's own retries; they were not delivered."""
