"""Push the dashboards to a running Grafana over its HTTP API (grafana-client), idempotently.

Each dashboard keeps its uid; Grafana stores a new version of it (overwrite), so pushing twice
changes nothing but the version number. The Pantau folder is created once, by uid.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import niquests
from grafana_client.api import GrafanaApi
from grafana_client.client import GrafanaClientError, GrafanaException, GrafanaUnauthorizedError

from pantau.errors import PantauError

FOLDER_UID = "pantau"


class GrafanaPushError(PantauError):
    """Grafana could not be reached, refused the token, or refused a dashboard."""


@dataclass(frozen=True)
class PushResult:
    """What Grafana answered for one dashboard."""

    uid: str
    version: int
    url: str


def push_dashboards(
    url: str, token: str, dashboards: list[dict[str, Any]], folder_title: str, timeout_s: float = 10.0
) -> list[PushResult]:
    """Create the folder if needed and save every dashboard in it; raises GrafanaPushError with the cause."""
    api = GrafanaApi.from_url(url, credential=token, timeout=timeout_s)
    try:
        _ensure_folder(api, folder_title)
        return [_save(api, document) for document in dashboards]
    except GrafanaUnauthorizedError:
        raise GrafanaPushError(
            f"Grafana at {url} refused the token (401): create a service account token with the Editor role "
            "and pass it with --token or PANTAU_GRAFANA_TOKEN"
        ) from None
    except GrafanaClientError as exc:
        if exc.status_code == 403:
            raise GrafanaPushError(
                f"Grafana at {url} says the token may not do this (403): it needs the Editor or Admin role"
            ) from None
        raise GrafanaPushError(f"Grafana at {url} refused the request ({exc.status_code}): {exc.message}") from None
    except GrafanaException as exc:
        raise GrafanaPushError(f"Grafana at {url} failed ({exc.status_code or 'no answer'}): {exc.message}") from None
    except niquests.exceptions.RequestException as exc:
        raise GrafanaPushError(f"cannot reach Grafana at {url}: {type(exc).__name__}: {exc}") from None


def _ensure_folder(api: GrafanaApi, title: str) -> None:
    try:
        api.folder.get_folder(FOLDER_UID)  # type: ignore[no-untyped-call]
    except GrafanaClientError as exc:
        if exc.status_code != 404:
            raise
        api.folder.create_folder(title, uid=FOLDER_UID)  # type: ignore[no-untyped-call]


def _save(api: GrafanaApi, document: dict[str, Any]) -> PushResult:
    body = {k: v for k, v in document.items() if k not in ("id", "version")}
    answer = api.dashboard.update_dashboard(  # type: ignore[no-untyped-call]
        {"dashboard": body, "folderUid": FOLDER_UID, "overwrite": True, "message": "pantau dashboards push"}
    )
    return PushResult(uid=str(answer.get("uid", body["uid"])), version=int(answer.get("version", 0)),
                      url=str(answer.get("url", "")))
