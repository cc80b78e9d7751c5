"""Replace the offline compromised-password list (run quarterly: CJIS IA-5(1)(a))."""

from __future__ import annotations

import gzip
import hashlib
import re
from pathlib import Path

from safecity.core.passwords import COMPROMISED_FILE, _compromised_hashes

SHA1_RE = re.compile(r"^[0-9A-Fa-f]{40}(:\d+)?$")


def update_compromised_list(source: str | Path) -> int:
    path = Path(source)
    if not path.is_file():
        raise FileNotFoundError(f"file: {source} does not exist")
    hashes: set[str] = set()
    with path.open(encoding="utf-8", errors="replace") as fh:
        for line in fh:
            item = line.rstrip("\n")
            if not item:
                continue
            if SHA1_RE.match(item):
                hashes.add(item.split(":")[0].upper())
            else:
                hashes.add(hashlib.sha1(item.encode(), usedforsecurity=False).hexdigest().upper())
    tmp = COMPROMISED_FILE.with_suffix(".tmp")
    with gzip.open(tmp, "wt") as out:
        out.write(f"# replaced from {path.name}\n")
        out.writelines(h + "\n" for h in sorted(hashes))
    tmp.replace(COMPROMISED_FILE)
    _compromised_hashes.cache_clear()
    return len(hashes)
