"""What an app declares to plug a record type into the importer framework, and the registry of types.

A `RecordType` is the app's declaration (module, rights, batch and error models, formats, pages); each run
asks it for a `Plan`, which holds what the run needs and may be forked into the parsing process: the source
of records, validation into a prepared record with located errors, the key and content hash, the encoder
and the store. The runner (`core.importing.runner`) does everything else the same way for every type.

Core imports no app: apps register their types from `AppConfig.ready()` with `register(...)`.
"""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from safecity.core.actors import SYSTEM, Actor
from safecity.core.importing.errors import ImportFailure, RowError, RowRejected

if TYPE_CHECKING:
    from django.db import models

    from safecity.core.importing.models import ImportBatchBase, ImportRowErrorBase
    from safecity.core.importing.reading import SourceInfo

# What a plan's encoder hands the store: (key, content hash, source line, …payload the store understands).
Encoded = tuple[Any, ...]
DEFAULT_BATCH_SIZE = 50000


@dataclass
class ImportOptions:
    path: Path
    agency: Any
    fmt: str
    mapping_path: Path | None = None
    dry_run: bool = False
    strict: bool = False
    batch_size: int = DEFAULT_BATCH_SIZE
    actor: Actor = SYSTEM
    file_name: str = ""
    progress: Callable[[int], None] | None = None  # called with bytes read so far
    preview_rows: int = 0
    keep_errors: int | None = None  # errors kept in ImportResult.errors (None: all, for the command line)
    # How messages name the mapping: "--mapping" on the command line, the uploaded file's name on the web.
    mapping_label: str = "--mapping"


class Source(Protocol):
    """A run's records in file order (a record, or RowRejected for a row that would not parse), the reading
    errors raised along the way (encoding, column count) and how many bytes have been read."""

    @property
    def errors(self) -> list[RowError]: ...

    def __iter__(self) -> Iterator[Any]: ...

    def bytes(self) -> int: ...


class Store(Protocol):
    """The bulk writer of one record type for one agency. `existing` and `write` run in the importing
    process inside the batch's transaction; Encoded rows come from the plan's `encode`."""

    def existing(self, keys: Iterable[str]) -> dict[str, tuple[int, str]]:
        """key → (primary key, stored content hash) for the keys already stored."""

    def digest_matches(self, stored: str, digest: str) -> bool: ...

    def write(self, new: list[Encoded], changed: list[tuple[int, Encoded]], batch_id: int | None) -> None: ...

    def backfill(self, found: list[tuple[int, str]]) -> None:
        """Store full hashes on rows that matched an older, shorter form of it (may do nothing)."""

    # Optional: `bulk_load(file_lines)`, a context manager around the whole run's writes (incidents defer
    # their read-only indexes for large loads; see core/importing/indexes.py). Looked up with getattr.


class Plan(ABC):
    """Everything one run of one record type needs; built before anything is written, so a bad argument,
    mapping or header stops the run with an ImportFailure. Must not touch the database after `__init__`
    except through `store` (the parsing process runs `source`, `validate`, `encode` and `preview`)."""

    key_label: ClassVar[str] = "key"  # "incident number": used in "duplicate … in this file"
    key_field: str = "key"  # the key's column as the user's file names it
    store: Store
    # What the file should be, for "this does not look like …" ("a NIBRS file", "a CSV with the columns of
    # mapping chicago.json"): said when none of the first rows of a file can be read at all.
    expected: str = "a file of this format"
    # Row errors that mean "this line is not of the expected shape at all" (as opposed to a real row with a
    # bad value): when every problem among the first rows is one of these and no row was read, the file is
    # refused whole. The readers' own errors are `encoding` and `row` (wrong column count, malformed CSV).
    structural_fields: frozenset[str] = frozenset({"encoding", "row"})

    @abstractmethod
    def source(self) -> Source:
        """A fresh pass over the file (a strict run reads it twice)."""

    @abstractmethod
    def key(self, record: Any) -> str: ...

    @abstractmethod
    def line(self, record: Any) -> int: ...

    @abstractmethod
    def validate(self, record: Any) -> Any:
        """The prepared record, or a list of RowError saying why the row is rejected."""

    @abstractmethod
    def encode(self, prepared: Any) -> Encoded: ...

    def preview(self, prepared: Any) -> dict[str, Any]:
        """One row of the web preview (keys are the record type's `preview_columns`)."""
        return {}

    def batch_extra(self, counts: dict[str, Any]) -> dict[str, Any]:
        return counts


@dataclass(frozen=True)
class Format:
    code: str
    label: str
    needs_mapping: bool = False


@dataclass(frozen=True)
class PreviewColumn:
    key: str
    label: str


class RecordType(ABC):
    """An app's declaration of one importable record type; see docs/architecture.md, "The importer framework"."""

    name: ClassVar[str]  # `safecity import <name>`, the registry key
    noun: ClassVar[str]  # "incident"
    plural: ClassVar[str]  # "incidents"
    module: ClassVar[str]  # core.roles.Module value: the rights checked and the batch's visibility
    rights: ClassVar[tuple[str, ...]] = ("add", "change", "delete")
    formats: ClassVar[tuple[Format, ...]]
    url_namespace: ClassVar[str]  # the namespace `core.importing.views.urls` is mounted under
    preview_columns: ClassVar[tuple[PreviewColumn, ...]] = ()
    # Rows a re-import changes get a before/after history row each (None: no history).
    history_model: ClassVar[type[models.Model] | None] = None

    @property
    @abstractmethod
    def batch_model(self) -> type[ImportBatchBase]: ...

    @property
    @abstractmethod
    def error_model(self) -> type[ImportRowErrorBase]: ...

    @abstractmethod
    def plan(self, opts: ImportOptions, info: SourceInfo) -> Plan: ...

    @property
    def format_codes(self) -> tuple[str, ...]:
        return tuple(f.code for f in self.formats)

    def format_label(self, code: str) -> str:
        return next((f.label for f in self.formats if f.code == code), code)

    def needs_mapping(self, code: str) -> bool:
        return any(f.code == code and f.needs_mapping for f in self.formats)

    def check_options(self, opts: ImportOptions) -> None:
        if opts.fmt not in self.format_codes:
            raise ImportFailure("--format", f"unknown format {opts.fmt!r}; choose one of "
                                            f"{', '.join(self.format_codes)}")
        if self.needs_mapping(opts.fmt) and opts.mapping_path is None:
            raise ImportFailure(opts.mapping_label, f"the {opts.fmt} format needs a mapping file (JSON or TOML)")


_REGISTRY: dict[str, RecordType | str] = {}


def register(record_type: RecordType | str, name: str = "") -> None:
    """Make a record type importable (`safecity import <name>`, `run_import`); an app calls this from
    `AppConfig.ready()`, best with a dotted path (`"safecity.incidents.importers.pipeline:INCIDENTS"` and the
    name), so start-up does not import the importer. Registering a name again replaces the type (tests
    register throw-away ones)."""
    if isinstance(record_type, str):
        if not name:
            raise ValueError("a record type registered by its dotted path needs its name")
        _REGISTRY[name] = record_type
    else:
        _REGISTRY[record_type.name] = record_type


def unregister(name: str) -> None:
    _REGISTRY.pop(name, None)


def get(name: str) -> RecordType:
    try:
        found = _REGISTRY[name]
    except KeyError:
        raise ImportFailure("TYPE", f"unknown record type {name!r}; choose one of "
                                    f"{', '.join(sorted(_REGISTRY)) or '(none registered)'}") from None
    if isinstance(found, str):
        module_name, _, attribute = found.partition(":")
        found = getattr(importlib.import_module(module_name), attribute)
        if not isinstance(found, RecordType):
            raise TypeError(f"{_REGISTRY[name]} is not a RecordType")
        _REGISTRY[name] = found
    return found


def names() -> list[str]:
    return sorted(_REGISTRY)


def registered() -> list[RecordType]:
    return [get(name) for name in names()]


@dataclass
class Rows:
    """A Source over any iterator of records, for plans whose reader reports its own errors and bytes."""

    records: Iterable[Any]
    errors: list[RowError] = field(default_factory=list)
    bytes_read: Callable[[], int] = lambda: 0

    def __iter__(self) -> Iterator[Any]:
        return iter(self.records)

    def bytes(self) -> int:
        return self.bytes_read()


__all__ = ["DEFAULT_BATCH_SIZE", "Encoded", "Format", "ImportFailure", "ImportOptions", "Plan", "PreviewColumn",
           "RecordType", "RowError", "RowRejected", "Rows", "Source", "Store", "get", "names", "register", "registered",
           "unregister"]
