"""API schemas of the incidents app: incident output, and each crime analysis's parameters and answer."""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
import typing
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, Literal, TypeAlias

from ninja import Field, Schema
from pydantic import ValidationInfo, create_model, field_validator
from pydantic_core import PydanticCustomError

from safecity.core import resultcache
from safecity.core.roles import Module
from safecity.core.schemas import RecordOut
from safecity.incidents.stats.categories import CHOICES, UNIT_MODES
from safecity.incidents.stats.compstat import Compstat, compstat
from safecity.incidents.stats.firearm import Firearm, firearm_violence
from safecity.incidents.stats.periods import WEEKS
from safecity.incidents.stats.scope import Scope, as_of_bounds, check_as_of, resolve_scope
from safecity.incidents.stats.spatial import Hotspots, NearRepeat, hotspots, near_repeat
from safecity.incidents.stats.trends import Trends, trends
from safecity.incidents.stats.upticks import Upticks, upticks


class IncidentOut(RecordOut):
    id: uuid.UUID
    agency: str
    incident_number: str
    occurred_from: dt.datetime
    occurred_to: dt.datetime | None
    block_address: str
    district: str | None
    beat: str | None
    primary_offense: str
    primary_offense_name: str | None = None
    district_name: str | None = None
    beat_name: str | None = None
    is_firearm: bool
    is_violent: bool
    victim_count: int
    sensitivity: list[str]

    @staticmethod
    def resolve_primary_offense_name(obj: Any) -> str | None:
        return getattr(obj, "primary_offense_name", None)

    @staticmethod
    def resolve_district_name(obj: Any) -> str | None:
        return obj.district.name if obj.district_id else None

    @staticmethod
    def resolve_beat_name(obj: Any) -> str | None:
        return obj.beat.name if obj.beat_id else None

    @staticmethod
    def resolve_district(obj: Any) -> str | None:
        return obj.district.code if obj.district_id else None

    @staticmethod
    def resolve_beat(obj: Any) -> str | None:
        return obj.beat.code if obj.beat_id else None

    @staticmethod
    def resolve_sensitivity(obj: Any) -> list[str]:
        return obj.sensitivity_labels


class BiasMotivationOut(Schema):
    code: str = Field(description="NIBRS bias motivation code (data element 8A); 88 none, 99 unknown.")
    name: str


class OffenseOut(Schema):
    seq: int
    code: str = Field(description="NIBRS offense code.")
    name: str
    attempted: bool
    weapon_codes: list[str]
    bias_motivations: list[BiasMotivationOut] = Field(description="1 to 5 per offense, as in NIBRS.")

    @staticmethod
    def resolve_code(obj: Any) -> str:
        return str(obj.code.code)

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.code.name)

    @staticmethod
    def resolve_bias_motivations(obj: Any) -> list[dict[str, str]]:
        return [{"code": code, "name": name} for code, name in obj.bias_motivations]


class IncidentDetailOut(IncidentOut):
    """One incident: the list row plus its offenses (with their bias motivations)."""

    offenses: list[OffenseOut]

    @staticmethod
    def resolve_offenses(obj: Any) -> list[Any]:
        return list(obj.offenses.all())  # prefetched with their codes by incident_get


# ---- Crime analyses: each analysis's parameters, declared once for the web form and the API ----------------
#
# A parameter schema is the one statement of an analysis's inputs: names, bounds, defaults, labels (``title``)
# and help (``description``). The API takes it as the query (``Query[CompstatQuery]``); the page builds its
# form from it and validates the query string with it, so both refuse the same values on the same field.
# ``run(user)`` resolves the scope and runs the analysis, so both compute with the same arguments too.

LEVELS = {"all": "Districts and beats", "district": "Districts", "beat": "Beats"}


def _one_of(labels: dict[str, str]) -> Any:
    return Literal[tuple(labels)]


if TYPE_CHECKING:
    Mode: TypeAlias = str
    Category: TypeAlias = str
    Level: TypeAlias = str
    Week: TypeAlias = str
else:  # the allowed values are the keys of the label tables, so values and labels are written once
    Mode = _one_of(UNIT_MODES)
    Category = _one_of(dict(CHOICES))
    Level = _one_of(LEVELS)
    Week = _one_of(WEEKS)

CHOICE_LABELS: dict[str, dict[str, str]] = {"mode": UNIT_MODES, "category": dict(CHOICES), "level": LEVELS,
                                            "week": WEEKS}


class ScopeQuery(Schema):
    """Which agency, area and day every analysis covers."""

    agency: str = Field("", max_length=9, pattern=r"^[A-Za-z0-9]{0,9}$", title="Agency",
                        description="Agency ORI, or ALL for the roll-up of every agency you may see (default: "
                                    "ALL for city roles, else your home agency).")
    area: str = Field("", max_length=30, pattern=r"^((district|beat):[A-Za-z0-9_-]{1,20})?$", title="Area",
                      description="district:CODE or beat:CODE (default: the whole agency).")
    as_of: dt.date | None = Field(None, title="As of", description="Last day counted (default: the latest date "
                                                                    "with data); must lie within the agency's "
                                                                    "data coverage.")

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_default(cls, value: Any, info: ValidationInfo) -> Any:
        # A submitted form sends its empty fields as "": that means "the default", on the page and the API alike.
        if value == "" and info.field_name is not None:
            return cls.model_fields[info.field_name].get_default()
        return value

    @field_validator("agency")
    @classmethod
    def _ori_upper(cls, value: str) -> str:
        return value.upper()

    @field_validator("as_of")
    @classmethod
    def _as_of_in_range(cls, value: dt.date | None) -> dt.date | None:
        earliest, latest = as_of_bounds()
        if value is not None and not earliest <= value <= latest:
            raise PydanticCustomError("date_range", "Choose a date between {earliest} and today.",
                                      {"earliest": str(earliest)})
        return value

    # Whether the analysis can sum several agencies (counts can; a map needs one agency's geography).
    rollup: ClassVar[bool] = True

    def resolve(self, user: Any) -> tuple[Scope, dt.date]:
        """The scope and day, checked against what the user may see (Django ValidationError naming the field)."""
        scope = resolve_scope(user, self.agency, self.area, rollup_allowed=self.rollup)
        return scope, check_as_of(self.as_of, user, scope)

    def run(self, user: Any) -> Any:
        """Resolve the scope and day, then compute the analysis (what an API endpoint answers)."""
        scope, as_of = self.resolve(user)
        return self.result(user, scope, as_of)

    def result(self, user: Any, scope: Scope, as_of: dt.date, key: str = "") -> Any:
        """`compute`, through the result cache (`core.resultcache`): the page, the API, the CSV and the PDF all
        come here, so they share entries. The key (`cache_key`, which a caller that needs it too may pass)
        holds the fields of the class that defines `compute` (a page's display-only fields do not split
        entries) with the scope and day resolved."""
        return resultcache.get_or_compute(key or self.cache_key(user, scope, as_of),
                                          lambda: self.compute(user, scope, as_of))

    def result_drawn(self, user: Any, scope: Scope, as_of: dt.date, draw: Callable[[Any], Any],
                     key: str = "") -> tuple[Any, Any]:
        """The result and `draw(result)` (a map's geometry), each cached; the drawing under the result's key."""
        key = key or self.cache_key(user, scope, as_of)
        result = resultcache.get_or_compute(key, lambda: self.compute(user, scope, as_of))
        return result, resultcache.get_or_compute(f"{key}:{draw.__module__}.{draw.__qualname__}",
                                                  lambda: draw(result))

    def cache_key(self, user: Any, scope: Scope, as_of: dt.date) -> str:
        owner: type[ScopeQuery] = next(c for c in type(self).__mro__ if "compute" in vars(c))
        params: dict[str, Any] = {name: getattr(self, name) for name in owner.model_fields}
        # The roll-up and its first member share `scope.agency`: key by every agency counted.
        params.update(agency=[a.pk for a in scope.agencies], rollup=scope.is_rollup, area=scope.area_param,
                      as_of=as_of)
        return resultcache.key_for(user=user, module=Module.INCIDENTS,
                                   analysis=f"{owner.__module__}.{owner.__name__}", params=params)

    def compute(self, user: Any, scope: Scope, as_of: dt.date) -> Any:
        raise NotImplementedError


class FirearmQuery(ScopeQuery):
    def compute(self, user: Any, scope: Scope, as_of: dt.date) -> Firearm:
        return firearm_violence(user=user, scope=scope, as_of=as_of)


class _Counted(ScopeQuery):
    mode: Mode = Field("nibrs", title="Count", description="nibrs (victims for person crimes, offenses for "
                                                           "property), incidents (top charge) or offenses.")


class CompstatQuery(_Counted):
    week: Week = Field("complete", title="Week", description="complete: the last complete Monday–Sunday week "
                                                             "(default); to_date: Monday to the as-of date.")

    def compute(self, user: Any, scope: Scope, as_of: dt.date) -> Compstat:
        return compstat(user=user, scope=scope, as_of=as_of, mode=self.mode, week=self.week)


class TrendsQuery(_Counted):
    months: int = Field(36, ge=12, le=120, title="Months")

    def compute(self, user: Any, scope: Scope, as_of: dt.date) -> Trends:
        return trends(user=user, scope=scope, as_of=as_of, months=self.months, mode=self.mode)


class UptickQuery(ScopeQuery):
    level: Level = Field("all", title="Areas")
    limit: int = Field(100, ge=1, le=2000, title="Rows", description="How many of the strongest rises to list.")

    def compute(self, user: Any, scope: Scope, as_of: dt.date) -> Upticks:
        return upticks(user=user, scope=scope, as_of=as_of, level=self.level, limit=self.limit)


class HotspotQuery(ScopeQuery):
    rollup: ClassVar[bool] = False
    category: Category = Field("violent", title="Category")
    days: int = Field(365, ge=7, le=3660, title="Days")
    cell_m: int = Field(250, ge=100, le=2000, title="Cell size (metres)", description="Grid cell size in metres.")
    top: int = Field(10, ge=1, le=100, title="Cells listed")

    def compute(self, user: Any, scope: Scope, as_of: dt.date) -> Hotspots:
        return hotspots(user=user, scope=scope, as_of=as_of, days=self.days, category=self.category,
                        cell_m=self.cell_m, top=self.top)


class NearRepeatQuery(ScopeQuery):
    rollup: ClassVar[bool] = False
    category: Category = Field("shooting_incidents", title="Category")
    days: int = Field(365, ge=7, le=3660, title="Days")
    space_band: int = Field(120, ge=10, le=2000, title="Distance band width (metres)",
                            description="Distance band width in metres.")
    time_band: int = Field(7, ge=1, le=90, title="Time band width (days)", description="Time band width in days.")
    bands: int = Field(4, ge=1, le=10, title="Bands", description="Number of distance and time bands.")
    permutations: int = Field(99, ge=19, le=999, title="Permutations")
    seed: int = Field(20240601, ge=0, le=2_147_483_647, title="Random seed")

    def compute(self, user: Any, scope: Scope, as_of: dt.date) -> NearRepeat:
        space = tuple(float(self.space_band * (i + 1)) for i in range(self.bands))
        time = tuple(float(self.time_band * (i + 1)) for i in range(self.bands))
        return near_repeat(user=user, scope=scope, as_of=as_of, days=self.days, category=self.category,
                           space_bands=space, time_bands=time, permutations=self.permutations, seed=self.seed)


# ---- Crime analyses: the API's answer is the result dataclass itself ------------------------------------

_OUT: dict[type, type[Schema]] = {}


def api_schema(result: type) -> type[Schema]:
    """The response schema of a result dataclass (``Compstat`` → ``CompstatOut``): the same field names and
    types, nested results converted too, fields declared ``internal()`` left out. The endpoint returns the
    dataclass and the schema reads its attributes, so nothing is renamed or copied by hand."""
    if result not in _OUT:
        hints = typing.get_type_hints(result)
        fields: dict[str, Any] = {}
        for f in dataclasses.fields(result):
            if not f.metadata.get("api", True):
                continue
            default = f.default if f.default is not dataclasses.MISSING else ...
            fields[f.name] = (_out_type(hints[f.name]), Field(default, description=f.metadata.get("doc")))
        _OUT[result] = create_model(f"{result.__name__}Out", __base__=Schema, __module__=__name__, **fields)
    return _OUT[result]


def _out_type(tp: Any) -> Any:
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        return api_schema(tp)
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is None or origin is Literal or not args:
        return tp
    converted = tuple(_out_type(a) for a in args)
    if origin in (typing.Union, types.UnionType):
        return typing.Union[converted]  # noqa: UP007 - built at run time from a tuple
    return origin[converted]
