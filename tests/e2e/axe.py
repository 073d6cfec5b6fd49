"""axe-core, the accessibility engine, from the npm registry (pinned here, nowhere else).

`make test` / `make e2e` run `python -m tests.e2e.axe`, which installs it under var/npm with
npm; the browser tests call ensure_axe() too, and skip their accessibility checks (saying
why) only when npm is absent or the registry cannot be reached.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

AXE_VERSION = "4.14.1"
PREFIX = Path(__file__).resolve().parents[2] / "var" / "npm"
AXE_JS = PREFIX / "node_modules" / "axe-core" / "axe.min.js"


def installed_version() -> str | None:
    import json

    package = AXE_JS.parent / "package.json"
    if not package.exists():
        return None
    return json.loads(package.read_text()).get("version")


def ensure_axe() -> tuple[Path | None, str]:
    """(path of axe.min.js, "") when it is there or could be installed, else (None, why)."""
    if AXE_JS.exists() and installed_version() == AXE_VERSION:
        return AXE_JS, ""
    npm = shutil.which("npm")
    if not npm:
        return None, "npm is not installed, so axe-core cannot be fetched from the npm registry"
    PREFIX.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [npm, "install", "--no-audit", "--no-fund", "--no-save", "--prefix", str(PREFIX),
         f"axe-core@{AXE_VERSION}"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    if result.returncode != 0 or not AXE_JS.exists():
        return None, f"npm could not install axe-core@{AXE_VERSION}: {result.stderr[-500:]}"
    return AXE_JS, ""


if __name__ == "__main__":
    path, why = ensure_axe()
    print(f"axe-core {AXE_VERSION}: {path}" if path else f"{why}; accessibility checks skip")
    sys.exit(0)
