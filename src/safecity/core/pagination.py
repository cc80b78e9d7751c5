"""The API's one pagination: limit/offset with a hard cap on both (absurd offsets are refused, not crashed)."""

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

MAX_LIMIT = 500
MAX_OFFSET = 1_000_000_000


class Pagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(50, ge=1, le=MAX_LIMIT, description=f"Items per page (at most {MAX_LIMIT}).")
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Items to skip.")
