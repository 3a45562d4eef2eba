"""Copy the front-end libraries installed by npm into ``server/static/vendor/`` (run by ``make``).

We serve them from our own origin: no CDN at run time. ``python -m server.assets`` after ``npm ci``.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = Path(__file__).resolve().parent / "static" / "vendor"

#: node_modules path -> vendor file name
FILES: dict[str, str] = {
    "@zazuko/yasgui/build/yasgui.min.js": "yasgui/yasgui.min.js",
    "@zazuko/yasgui/build/yasgui.min.css": "yasgui/yasgui.min.css",
    "echarts/dist/echarts.min.js": "echarts/echarts.min.js",
}


def copy_assets(node_modules: Path = ROOT / "node_modules", target: Path = VENDOR) -> list[Path]:
    """Copy :data:`FILES` from ``node_modules`` to ``target``; raise ``FileNotFoundError`` naming a missing one."""
    written = []
    for source, name in FILES.items():
        path = node_modules / source
        if not path.is_file():
            raise FileNotFoundError(f"{path} is missing: run `npm ci` (make install does)")
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, destination)
        written.append(destination)
    return written


def main() -> int:
    try:
        written = copy_assets()
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"copied {len(written)} front-end files to {VENDOR.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
