"""HTML to PDF by Chromium's own print (headless), when Chromium is installed.

The document is our own HTML (no scripts, no remote resources), written to a private
temporary folder and printed from there with a throw-away browser profile.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from uncc.errors import UserInputError

BROWSERS = ("chromium", "chromium-browser", "google-chrome")


def chromium() -> str | None:
    """The Chromium executable, if one is installed."""
    return next((found for name in BROWSERS if (found := shutil.which(name))), None)


def print_pdf(html: str, timeout: float = 60.0) -> bytes:
    """The document printed to PDF (A4, as its print stylesheet says).

    Raises:
        UserInputError: Chromium is not installed, or it printed nothing.
    """
    exe = chromium()
    if exe is None:
        raise UserInputError(
            "pdf: Chromium is not installed (apt-get install chromium); the HTML document prints from any browser"
        )
    with tempfile.TemporaryDirectory(prefix="uncc-pdf-") as folder:
        source = Path(folder) / "document.html"
        target = Path(folder) / "document.pdf"
        source.write_text(html, encoding="utf-8")
        subprocess.run(  # noqa: S603 - a fixed executable and arguments, no shell
            [
                exe,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-extensions",
                "--no-first-run",
                f"--user-data-dir={Path(folder) / 'profile'}",
                "--no-pdf-header-footer",
                f"--print-to-pdf={target}",
                source.as_uri(),
            ],
            capture_output=True,
            timeout=timeout,
            check=False,
        )
        if not target.is_file() or target.stat().st_size == 0:
            raise UserInputError(
                "pdf: Chromium printed nothing; the HTML document prints from any browser"
            )
        return target.read_bytes()
