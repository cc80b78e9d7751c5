"""A bulk writer through the ORM, for record types that need no raw-SQL fast path.

`ModelStore` keys records by agency + one field and fingerprints the fields it imports, so re-importing an
unchanged row does nothing and a changed row is updated in place (keeping its primary key and anything the
file does not carry). The fingerprint is recomputed from the stored values, so the model needs no hash
column: a row edited by hand since its import counts as changed and is overwritten by the file, with its
before/after history when the record type keeps history. New rows go in with one `bulk_create`, changed
ones with one `bulk_update`, per batch — no `save()` per row, so `save()` overrides and signals do not run:
the plan must hand over every value the model would otherwise derive.

Incidents use their own store (`incidents/importers/store.py`, raw SQL and COPY), the sanctioned fast path
for tables of millions of rows.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import models

from safecity.core.importing.spec import Encoded

CHUNK = 900  # keys per IN (...) list, under SQLite's bound-parameter limit


class ModelStore:
    def __init__(self, model: type[models.Model], agency: Any, key_field: str, fields: Sequence[str],
                 batch_field: str | None = None) -> None:
        meta = model._meta
        self.model, self.agency, self.key_field = model, agency, key_field
        self.fields = tuple(fields)
        self.batch_field = batch_field
        self._prep: dict[str, Any] = {name: meta.get_field(name) for name in (key_field, *self.fields)}
        unknown = [n for n in self.fields if n == key_field]
        if unknown:
            raise ValueError("the key is not one of the fingerprinted fields")

    def _normal(self, name: str, value: Any) -> Any:
        field = self._prep[name]
        return None if value is None else field.to_python(value)

    def digest(self, values: dict[str, Any]) -> str:
        """Fingerprint of the imported fields, the same for parsed values and the values read back."""
        normal = [self._normal(n, values.get(n)) for n in self.fields]
        text = json.dumps(normal, sort_keys=True, default=str, separators=(",", ":"))
        return hashlib.blake2b(text.encode(), digest_size=10).hexdigest()

    def encode(self, key: str, line: int, values: dict[str, Any]) -> Encoded:
        return (key, self.digest(values), line, values)

    def existing(self, keys: Iterable[str]) -> dict[str, tuple[int, str]]:
        found: dict[str, tuple[int, str]] = {}
        keys = list(keys)
        manager = self.model._default_manager
        for i in range(0, len(keys), CHUNK):
            rows = manager.filter(agency=self.agency, **{f"{self.key_field}__in": keys[i:i + CHUNK]}).values(
                "pk", self.key_field, *self.fields)
            for row in rows:
                found[str(row[self.key_field])] = (row["pk"], self.digest(row))
        return found

    @staticmethod
    def digest_matches(stored: str, digest: str) -> bool:
        return stored == digest

    def write(self, new: list[Encoded], changed: list[tuple[int, Encoded]], batch_id: int | None) -> None:
        model = self.model
        batch = {f"{self.batch_field}_id": batch_id} if self.batch_field else {}
        model._default_manager.bulk_create(
            [model(agency=self.agency, **{self.key_field: e[0]}, **e[3], **batch) for e in new],
            batch_size=CHUNK)
        if changed:
            objs = [model(pk=pk, agency=self.agency, **{self.key_field: e[0]}, **e[3], **batch) for pk, e in changed]
            model._default_manager.bulk_update(objs, [*self.fields, *([self.batch_field] if self.batch_field else [])],
                                               batch_size=CHUNK)

    def backfill(self, found: list[tuple[int, str]]) -> None:
        """Nothing to do: the fingerprint is not stored."""
