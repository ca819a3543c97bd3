"""PDF copies of Word documents, converted by LibreOffice headless (`soffice --headless --convert-to pdf`), each run
in a temporary folder with a profile of its own so conversions never share or lock one. Where LibreOffice is not
installed the PDF is not offered and the Word document still is."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

TIMEOUT_SECONDS = 180
UNAVAILABLE = "A PDF cannot be made on this server because LibreOffice is not installed. Download the Word document."


class PdfUnavailable(RuntimeError):
    """LibreOffice is not installed, or did not produce a PDF."""


def soffice() -> str | None:
    """The LibreOffice program, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def available() -> bool:
    return soffice() is not None


def convert(write_docx, out) -> None:
    """Write the document with `write_docx(stream)`, convert it and copy the PDF to the binary stream `out`."""
    program = soffice()
    if program is None:
        raise PdfUnavailable(UNAVAILABLE)
    with tempfile.TemporaryDirectory(prefix="board-report-") as folder:
        source = Path(folder) / "report.docx"
        with source.open("wb") as stream:
            write_docx(stream)
        profile = Path(folder) / "profile"
        command = [
            program,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            folder,
            str(source),
        ]
        environment = {**os.environ, "HOME": folder}
        try:
            subprocess.run(
                command,
                cwd=folder,
                env=environment,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=TIMEOUT_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired as error:
            raise PdfUnavailable(f"LibreOffice did not finish the PDF within {TIMEOUT_SECONDS} seconds.") from error
        result = Path(folder) / "report.pdf"
        if not result.exists() or result.stat().st_size == 0:
            raise PdfUnavailable("LibreOffice could not convert the document to PDF.")
        with result.open("rb") as stream:
            shutil.copyfileobj(stream, out)
