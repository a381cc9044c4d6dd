"""The service catalog: offices, their hours and time zones, services and their targets."""

from pantau.catalog.loader import default_catalog_path, load_catalog, parse_catalog
from pantau.catalog.model import Catalog, Office, OpeningHours, Service

__all__ = ["Catalog", "Office", "OpeningHours", "Service", "default_catalog_path", "load_catalog", "parse_catalog"]
