"""The report as a PDF for printing: the HTML page through headless Chromium's print-to-PDF.

Chromium lays the page out exactly as the tested HTML (same CSS, same SVG charts); the print CSS in
`render.PRINT_STYLE` sets A4, keeps tables and charts whole and puts the period, region and page numbers
in the page margins (CSS page-margin boxes, which Chromium supports since version 131).
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from pantau.errors import PantauError

DEFAULT_CHROMIUM = Path("/usr/bin/chromium")
_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-pdf-header-footer",
)


class ChromiumMissingError(PantauError):
    """No Chromium to print the PDF with: the message names the install command and PANTAU_CHROMIUM."""


class PdfError(PantauError):
    """Chromium ran but wrote no PDF."""


def find_chromium(configured: Path | None = None) -> Path:
    """`configured` (settings.chromium, PANTAU_CHROMIUM) when set, else Debian's /usr/bin/chromium; a clear
    error naming the install command when it is not there."""
    path = configured or DEFAULT_CHROMIUM
    if not (path.is_file() and os.access(path, os.X_OK)):
        source = "PANTAU_CHROMIUM" if configured else "the default path"
        raise ChromiumMissingError(
            f"a PDF report needs Chromium, and {path} ({source}) is not an executable: install it with "
            "`sudo apt-get install chromium` (or infra/scripts/ensure-chromium.sh), or set PANTAU_CHROMIUM "
            "to a Chromium binary; `--out report.html` needs no Chromium"
        )
    return path


def write_pdf(html: str, out: Path, chromium: Path, timeout_s: float = 180.0) -> None:
    """Print `html` to `out` (A4, the page's own print CSS) with headless Chromium at `chromium`."""
    binary = chromium
    with tempfile.TemporaryDirectory(prefix="pantau-report-") as scratch:
        page = Path(scratch) / "report.html"
        page.write_text(html, encoding="utf-8")
        target = Path(scratch) / "report.pdf"
        command = [str(binary), *_FLAGS, f"--user-data-dir={Path(scratch) / 'profile'}",
                   f"--print-to-pdf={target}", page.as_uri()]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout_s, check=False)
        except subprocess.TimeoutExpired as exc:
            raise PdfError(f"Chromium ({binary}) did not finish the PDF within {timeout_s:.0f} s") from exc
        if not target.is_file() or target.stat().st_size == 0:
            tail = "\n".join(done.stderr.strip().splitlines()[-5:])
            raise PdfError(f"Chromium ({binary}) wrote no PDF (exit {done.returncode}):\n{tail}")
        out.write_bytes(target.read_bytes())
