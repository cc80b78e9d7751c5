from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from django.db import models

from safecity.core.importing.models import ImportBatchBase, ImportRowErrorBase, stale_before
from safecity.core.importing.models import batch_folder as _batch_folder

__all__ = ["ImportBatch", "ImportRowError", "batch_folder", "stale_before"]


class ImportBatch(ImportBatchBase):
    """One run of an incident import (fields, statuses and heartbeat rule: `core.importing.models`).

    Read only through `incidents.selectors.import_batch_list/get`: the restricted queryset shows a batch to
    those who may see incidents of its agency (a batch carries no sensitivity labels of its own).
    """

    safecity_module: ClassVar[str] = "incidents"
    record_type: ClassVar[str] = "incidents"

    class Meta(ImportBatchBase.Meta):
        pass


def batch_folder(batch_id: int) -> Path:
    return _batch_folder(batch_id, "incidents")


class ImportRowError(ImportRowErrorBase):
    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="errors")

    class Meta(ImportRowErrorBase.Meta):
        pass
