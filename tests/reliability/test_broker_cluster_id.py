"""The local broker's KRaft cluster id: one in 64 random ids once made `kafka-storage format` fail."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from pantau.kafka import broker


def test_a_cluster_id_never_starts_with_a_dash(monkeypatch: pytest.MonkeyPatch) -> None:
    # 0xF8 encodes to "-" in base64url: kafka-storage's parser read such an id as an option.
    drawn: Iterator[uuid.UUID] = iter([uuid.UUID(bytes=b"\xf8" + bytes(15)), uuid.UUID(bytes=b"\x01" * 16)])
    monkeypatch.setattr(uuid, "uuid4", lambda: next(drawn))

    cluster_id = broker._cluster_id()

    assert cluster_id == "AQEBAQEBAQEBAQEBAQEBAQ"


def test_cluster_ids_are_kafkas_format() -> None:
    ids = {broker._cluster_id() for _ in range(500)}

    assert len(ids) == 500
    assert all(len(cluster_id) == 22 and not cluster_id.startswith("-") for cluster_id in ids)
