"""Authenticated HTTP ingestion for offices' own queue, complaint and survey systems."""

from producers.gateway.app import GatewayLimits, create_app
from producers.gateway.keys import OfficeKeys
from producers.gateway.rate_limit import RateLimiter

__all__ = ["GatewayLimits", "OfficeKeys", "RateLimiter", "create_app"]
