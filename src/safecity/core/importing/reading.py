"""Reading source files: one hash pass, encoding detection, then decoded lines with their line numbers.

UTF-8 is what every portal publishes. A file that is not valid UTF-8 is either a legacy single-byte
export (decode it whole with the encoding charset-normalizer names) or a UTF-8 file with a few mangled
lines (report those lines and keep the rest). A file holding both valid multi-byte UTF-8 and invalid
bytes can only be the second kind.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from safecity.core.importing.errors import ImportFailure, RowError

_CHUNK = 1 << 20


@dataclass
class SourceInfo:
    path: Path
    size: int
    sha256: str
    encoding: str
    mixed: bool = False  # UTF-8 with some undecodable lines
    has_nul: bool = False  # some line holds a NUL byte, which no database text column can store
    lines: int = 0  # newline count: an upper bound on the rows, known before anything is parsed


def inspect(path: Path) -> SourceInfo:
    """Hash the file and decide how to decode it, without holding it in memory."""
    try:
        size = path.stat().st_size
        handle = path.open("rb")
    except OSError as exc:
        raise ImportFailure("FILE", f"cannot read {path}: {exc.strerror or exc}") from None
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8_ok, has_multibyte, has_nul, lines = True, False, False, 0
    with handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            lines += chunk.count(b"\n")
            has_nul = has_nul or b"\x00" in chunk
            if utf8_ok:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    utf8_ok = False
            if not has_multibyte:
                has_multibyte = _has_valid_multibyte(chunk)
    if utf8_ok:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8_ok = False  # the file ends inside a multi-byte character (truncated)
    if utf8_ok:
        return SourceInfo(path, size, digest.hexdigest(), "utf-8", has_nul=has_nul, lines=lines)
    if has_multibyte:
        return SourceInfo(path, size, digest.hexdigest(), "utf-8", mixed=True, has_nul=has_nul, lines=lines)
    return SourceInfo(path, size, digest.hexdigest(), _detect(path), mixed=False, has_nul=has_nul, lines=lines)


def _has_valid_multibyte(chunk: bytes) -> bool:
    if chunk.isascii():
        return False
    text = chunk.decode("utf-8", errors="ignore")
    return not text.isascii()


def _detect(path: Path) -> str:
    from charset_normalizer import from_path

    matches = from_path(path)
    best = matches.best()
    if best is None or best.encoding in {"utf_8", "ascii"}:
        return "utf-8"  # nothing better: decode as UTF-8 and report the lines that fail
    # A short file fits several code pages equally well; US records systems export Windows-1252.
    for match in matches:
        if match.percent_chaos <= best.percent_chaos and "cp1252" in match.could_be_from_charset:
            return "cp1252"
    return str(best.encoding)


@dataclass
class LineReader:
    """Decoded lines of a source; undecodable lines and lines with a NUL become errors and are skipped.

    SQLite would store a NUL and PostgreSQL refuses one (in executemany and COPY alike), so the same file
    gave different results per database; now both reject the line, naming it.
    """

    info: SourceInfo
    errors: list[RowError] = field(default_factory=list)
    line_no: int = 0
    bytes_read: int = 0
    ends_with_newline: bool = True

    def __iter__(self) -> Iterator[str]:
        encoding = self.info.encoding
        with self.info.path.open("rb") as handle:
            for raw in handle:
                self.line_no += 1
                self.bytes_read += len(raw)
                self.ends_with_newline = raw.endswith(b"\n")
                if self.line_no == 1 and raw.startswith(codecs.BOM_UTF8):
                    raw = raw[len(codecs.BOM_UTF8):]
                nul = raw.find(b"\x00") if self.info.has_nul else -1
                if nul >= 0:
                    shown = raw[max(nul - 20, 0):nul + 20].decode(encoding, errors="backslashreplace")
                    self.errors.append(RowError(
                        self.line_no, "encoding", shown.replace("\x00", "\\x00").strip(),
                        f"line holds a NUL character (byte {nul + 1}), which no text field can store; "
                        "the row was skipped"))
                    yield ""
                    continue
                try:
                    yield raw.decode(encoding)
                except UnicodeDecodeError as exc:
                    bad = raw[max(exc.start - 10, 0):exc.end + 10]
                    self.errors.append(RowError(
                        self.line_no, "encoding", bad.decode(encoding, errors="backslashreplace").strip(),
                        f"line is not valid {encoding} (byte {exc.start + 1}); the row was skipped"))
                    yield ""  # keep csv's line count in step; blank lines are ignored


@dataclass(slots=True)
class CsvRow:
    line: int
    values: dict[str, str]


class CsvSource:
    """Rows of a delimited file keyed by header, each with the line it started on.

    Rows whose column count differs from the header's are errors, and a short final row without a
    trailing newline is reported as a truncated last line.
    """

    def __init__(self, info: SourceInfo, delimiter: str = ",") -> None:
        self.lines = LineReader(info)
        self.delimiter = delimiter
        self.header: list[str] = []
        self.errors = self.lines.errors

    def rows(self) -> Iterator[CsvRow]:
        info = self.lines.info
        if info.encoding == "utf-8" and not info.mixed and not info.has_nul:
            return self._clean_rows()
        return self._rows()

    def _clean_rows(self) -> Iterator[CsvRow]:
        """The same rows from a file already checked to be valid UTF-8, read by the csv module directly.

        No Python generator per line: csv.reader counts lines itself (line_num), nothing can fail to
        decode, and a wrong-width row is held until the next read tells whether it was the last line.
        """
        info, lines = self.lines.info, self.lines
        with info.path.open("rb") as probe:
            if info.size:
                probe.seek(info.size - 1)
                lines.ends_with_newline = probe.read(1) == b"\n"
        with info.path.open("rb") as raw, io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle, delimiter=self.delimiter)
            self._read_header(reader)
            width, header, errors = len(self.header), self.header, self.errors
            wrong: tuple[int, list[str]] | None = None
            while True:
                start = reader.line_num + 1
                try:
                    values = next(reader)
                except StopIteration:
                    break
                except csv.Error as exc:
                    errors.append(RowError(start, "row", "", f"malformed CSV: {exc}"))
                    continue
                finally:
                    lines.line_no = reader.line_num
                    if not lines.line_no & 63:  # progress only: tell() per row cost ~5% of the parse
                        lines.bytes_read = raw.tell()
                if wrong is not None:
                    errors.append(self._width_error(*wrong, last=False))
                    wrong = None
                if len(values) == width:
                    yield CsvRow(start, dict(zip(header, values)))  # noqa: B905  lengths just compared
                elif values and not (len(values) == 1 and not values[0].strip()):
                    wrong = (start, values)
            if wrong is not None:
                errors.append(self._width_error(*wrong, last=not lines.ends_with_newline))
            lines.bytes_read = info.size

    def _width_error(self, line: int, values: list[str], last: bool) -> RowError:
        width = len(self.header)
        reason = (f"truncated last line: expected {width} columns, found {len(values)}" if last
                  and len(values) < width else f"expected {width} columns, found {len(values)}")
        return RowError(line, "row", self.delimiter.join(values)[:200], reason)

    def _read_header(self, reader: Any) -> None:
        try:
            self.header = [h.strip() for h in next(reader)]
        except StopIteration:
            raise ImportFailure("FILE", "the file is empty") from None
        except csv.Error as exc:
            raise ImportFailure("FILE", f"cannot read the header row: {exc}") from None

    def _rows(self) -> Iterator[CsvRow]:
        reader = csv.reader(iter(self.lines), delimiter=self.delimiter)
        self._read_header(reader)
        width = len(self.header)
        header = self.header
        while True:
            start = self.lines.line_no + 1
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                self.errors.append(RowError(start, "row", "", f"malformed CSV: {exc}"))
                continue
            if not values or (len(values) == 1 and not values[0].strip()):
                continue
            if len(values) != width:
                # Only a file's final line can lack a newline: a short one there was cut off mid-write.
                last = not self.lines.ends_with_newline
                reason = (f"truncated last line: expected {width} columns, found {len(values)}" if last
                          and len(values) < width else f"expected {width} columns, found {len(values)}")
                self.errors.append(RowError(start, "row", self.delimiter.join(values)[:200], reason))
                continue
            yield CsvRow(start, dict(zip(header, values, strict=True)))
