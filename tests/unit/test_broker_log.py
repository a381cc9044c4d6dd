"""The cause of a failed broker start, found among the stack frames of its log (issue #18)."""

from __future__ import annotations

from pathlib import Path

from pantau.kafka.broker import LocalBroker
from pantau.kafka.broker_log import failure_causes, taken_ports

# Shape of Kafka 4.1's broker.log when the controller port is taken (captured, frames cut short).
LOG = """\
[2026-12-02 13:37:14,970] INFO [SocketServer listenerType=CONTROLLER, nodeId=1] Enabling request processing.
[2026-12-02 13:37:15,001] ERROR Unable to start acceptor for CONTROLLER (kafka.network.DataPlaneAcceptor)
o.a.k.common.KafkaException: Socket server failed to bind to localhost:45763: Address already in use.
\tat kafka.network.Acceptor.openServerSocket(SocketServer.scala:634) ~[kafka_2.13-4.1.1.jar:?]
\tat kafka.server.ControllerServer.startup(ControllerServer.scala:398) ~[kafka_2.13-4.1.1.jar:?]
Caused by: java.net.BindException: Address already in use
\tat java.base/sun.nio.ch.Net.bind0(Native Method) ~[?:?]
\t... 6 more
[2026-12-02 13:37:15,357] INFO KafkaConfig values:
\tcontroller.listener.names = CONTROLLER
[2026-12-02 13:37:15,807] ERROR [ControllerServer id=1] Received a fatal error (kafka.server.ControllerServer)
java.lang.RuntimeException: Unable to start acceptor for CONTROLLER
Caused by: o.a.k.common.KafkaException: Socket server failed to bind to localhost:45763: Address already in use.
Caused by: java.net.BindException: Address already in use
"""


def test_the_causes_come_once_each_in_order_without_stack_frames_or_info_lines() -> None:
    assert failure_causes(LOG) == [
        "Unable to start acceptor for CONTROLLER (kafka.network.DataPlaneAcceptor)",
        "o.a.k.common.KafkaException: Socket server failed to bind to localhost:45763: Address already in use.",
        "java.net.BindException: Address already in use",
        "[ControllerServer id=1] Received a fatal error (kafka.server.ControllerServer)",
        "java.lang.RuntimeException: Unable to start acceptor for CONTROLLER",
    ]


def test_the_causes_are_capped() -> None:
    assert len(failure_causes(LOG, limit=2)) == 2


def test_the_taken_port_is_read_from_the_bind_failure() -> None:
    assert taken_ports(LOG) == {45763}
    assert taken_ports(LOG.replace("Address already in use", "Permission denied")) == set()
    assert failure_causes("[t] INFO all good\n\tat x\n") == []


def test_a_failed_start_is_explained_from_its_own_part_of_the_log(tmp_path: Path) -> None:
    broker = LocalBroker(home=tmp_path, port=45762, controller_port=45763)
    earlier = "[t] ERROR an earlier start's error (old)\n"
    broker.log_file.write_text(earlier + LOG)
    explained = broker._explain_failure(log_start=len(earlier))
    assert "earlier start" not in explained
    assert "  java.net.BindException: Address already in use" in explained
    assert "the controller port 45763 (PANTAU_KAFKA_CONTROLLER_PORT) is taken" in explained
    assert "PANTAU_KAFKA_PORT)" not in explained  # the client port was free
    assert explained.endswith(f"full log: {broker.log_file}")
    assert "\tat " not in explained
