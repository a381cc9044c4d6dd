"""How many members a consumer group has: whether anything is consuming, for `replay --wait`.

Committed offsets that do not move can mean a slow consumer or no consumer at all; only the group's
membership tells them apart, so a wait can end early with what to start instead of a silent timeout.
"""

from __future__ import annotations

import logging

from kafka import KafkaAdminClient
from kafka.errors import KafkaError

from pantau.kafka.client_config import kafka_connection_config
from pantau.settings import PantauSettings

log = logging.getLogger(__name__)


class GroupMembers:
    """Counts a group's members through the admin API; one instance per waiter, closed after use."""

    def __init__(self, settings: PantauSettings) -> None:
        self._admin = KafkaAdminClient(**kafka_connection_config(settings), client_id="pantau-group-members")

    def count(self, group: str) -> int | None:
        """Members of `group` now (0 for a group nobody joined); None when the broker could not say."""
        try:
            described = self._admin.describe_groups([group])
        except KafkaError as exc:
            log.debug("describing group %s: %s", group, exc)
            return None
        info = described.get(group) if isinstance(described, dict) else None
        if not isinstance(info, dict):
            return None
        if info.get("group_state") == "Dead" or "GroupIdNotFound" in str(info.get("error") or ""):
            return 0  # nobody ever joined it (or every member left long ago)
        if info.get("error"):
            return None
        return len(info.get("members") or [])

    def close(self) -> None:
        self._admin.close()
