"""Build and load compromised-password lists (CJIS IA-5(1)(a): update quarterly and on suspected compromise).

`safecity passwords update FILE` replaces the operator's list (in the var directory; the packaged list always
applies as well). FILE may be plain text or gzip, one entry a line, each either

* a SHA-1 hash, optionally with a count — the Have I Been Pwned Pwned-Passwords download format
  (`HASH:COUNT`, ~1 billion lines, ~40 GB; see docs/security.md), or
* a password in clear text (hashed here; it is never stored).

The file is streamed: hashes are spread over 256 bucket files by their first byte, then each bucket is sorted
and de-duplicated on its own, so memory stays near one bucket (~30 MB for the full HIBP list) and the time is
linear. The result replaces the old list atomically; running sign-in workers see it at their next check.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

import numpy as np

from safecity.core.passwords import PACKAGED_FILE, PREFIX_BYTES, leet_forms, operator_list_path

SHA1_RE = re.compile(r"^[0-9A-Fa-f]{40}(:\d+)?$")
FLUSH_EVERY = 1_000_000  # prefixes buffered before they are spilled to the bucket files
_DTYPE = np.dtype(">u8")


class ListFormatError(ValueError):
    """A line of the input that is neither a SHA-1 hash nor a usable password (names the line)."""


def _open_text(path: Path) -> IO[str]:
    with path.open("rb") as probe:
        magic = probe.read(2)
    if magic == b"\x1f\x8b":
        return gzip.open(path, "rt", encoding="utf-8", errors="replace")
    return path.open(encoding="utf-8", errors="replace")


def prefixes_from_lines(lines: Iterable[str]) -> Iterator[int]:
    """The 64-bit SHA-1 prefix of each entry; hashes are taken as they are, clear text is hashed."""
    for line in lines:
        item = line.rstrip("\r\n")
        if not item or item.startswith("#"):
            continue
        if SHA1_RE.match(item):
            yield int(item[:16], 16)
        else:
            yield int.from_bytes(hashlib.sha1(item.encode(), usedforsecurity=False).digest()[:PREFIX_BYTES], "big")


def write_sorted(prefixes: Iterable[int], target: Path) -> int:
    """Write distinct prefixes sorted (big-endian 8-byte records) to `target` atomically; returns the count."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="safecity-pw-", dir=target.parent) as tmp:
        buckets = [Path(tmp) / f"{b:02x}" for b in range(256)]
        pending: list[list[int]] = [[] for _ in range(256)]
        buffered = 0

        def spill() -> None:
            for b, values in enumerate(pending):
                if values:
                    with buckets[b].open("ab") as fh:
                        fh.write(np.asarray(values, dtype=np.uint64).astype(_DTYPE).tobytes())
                    values.clear()

        for value in prefixes:
            pending[value >> 56].append(value)
            buffered += 1
            if buffered >= FLUSH_EVERY:
                spill()
                buffered = 0
        spill()
        count = 0
        partial = Path(tmp) / "result"
        with partial.open("wb") as out:
            for bucket in buckets:
                if not bucket.exists():
                    continue
                values = np.unique(np.fromfile(bucket, dtype=_DTYPE))
                out.write(values.astype(_DTYPE).tobytes())
                count += len(values)
                bucket.unlink()
            out.flush()
            os.fsync(out.fileno())
        partial.replace(target)
    return count


def update_compromised_list(source: str | Path, target: Path | None = None) -> int:
    """Replace the operator's compromised-password list from `source`; returns how many distinct hashes it holds."""
    path = Path(source)
    if not path.is_file():
        raise FileNotFoundError(f"file: {source} does not exist")
    with _open_text(path) as fh:
        return write_sorted(prefixes_from_lines(fh), target or operator_list_path())


def packaged_sources() -> Iterator[str]:
    """Passwords the packaged list is built from: lists shipped by packages we already depend on."""
    import django
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    common = Path(django.__file__).resolve().parent / "contrib" / "auth" / "common-passwords.txt.gz"
    with gzip.open(common, "rt", encoding="utf-8") as fh:
        yield from (line.strip() for line in fh if line.strip())
    yield from FREQUENCY_LISTS["passwords"]


def build_packaged_list(target: Path = PACKAGED_FILE, extra_hashes: Iterable[str] = ()) -> int:
    """Rebuild core/data/compromised-sha1.bin (run when Django or zxcvbn ship new lists).

    Each listed password is stored lower-cased and with leetspeak undone (`p@ssw0rd` also as `password`);
    the validator derives the same forms, plus padding and doubling removed, from a candidate.
    `extra_hashes` carries SHA-1 lines forward (the hand-collected hashes of the list this one replaced).
    """

    def entries() -> Iterator[int]:
        for password in packaged_sources():
            for form in leet_forms(password.lower()):
                yield int.from_bytes(hashlib.sha1(form.encode(), usedforsecurity=False).digest()[:8], "big")
        yield from prefixes_from_lines(extra_hashes)

    return write_sorted(entries(), target)
