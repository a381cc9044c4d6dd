"""Kafka plumbing shared by every part: topic names, the admin helpers and the local broker."""
