"""Drill-down: the incident list URL that reproduces an analysis figure.

Every figure of an analysis (a CompStat cell, an uptick row, a hot-spot cell, the incidents a near-repeat
test used, a firearm count) is a count over a set of incidents: one agency (and district or beat), a date
window and a category. `incident_list_url` writes those as the incident list's own filters (declared in
`incidents.kit`), so the list shows exactly the incidents behind the figure and the page, CSV and API agree.

How a category becomes filters follows how the analyses count (`stats.counts`, `stats.spatial`):

* by incident (top charge): `top=<codes>` — the primary offense is one of the category's codes;
* by offense or by victim (the NIBRS units): `offense=<codes>` — any offense in the incident has one of the
  codes. The list then holds the incidents those offenses or victims belong to, so its row count equals the
  figure only when each incident adds one to it (the page says "incidents behind these victims");
* shootings: `firearm=shooting` (`fatal` for fatal ones) — the incident's shooting flags.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.http import urlencode

from safecity.incidents.stats.categories import BY_KEY, INCIDENTS, UNIT_MODES, unit_for
from safecity.incidents.stats.compstat import Compstat
from safecity.incidents.stats.firearm import Firearm, Year
from safecity.incidents.stats.scope import Scope
from safecity.incidents.stats.spatial import HotCell, Hotspots, NearRepeat
from safecity.incidents.stats.upticks import Uptick, Upticks, uptick_windows


@dataclass(frozen=True)
class Drill:
    """A figure's incident list: where it is, and whether the list's row count is the figure itself."""

    url: str
    unit: str  # "incidents", "offenses", "victims" or "victims (person crimes) + offenses (robbery)"

    @property
    def exact(self) -> bool:
        return self.unit == "incidents"


def incident_list_url(
    *, agency: str, date_from: dt.date, date_to: dt.date, district: str = "", beat: str = "",
    offense: Iterable[str] = (), top: Iterable[str] = (), firearm: str = "", located: str = "",
    area: tuple[float, float, float, float] | None = None,
) -> str:
    """The incident list filtered to exactly these incidents (parameters as in `incidents.kit`)."""
    # No agency: every agency the reader may see (the roll-up counts exactly those that hold incidents).
    params: dict[str, Any] = {"agency": agency} if agency else {}
    params.update(date_from=date_from.isoformat(), date_to=date_to.isoformat())
    if beat:
        params["beat"] = beat
    elif district:
        params["district"] = district
    if offense:
        params["offense"] = ",".join(offense)
    if top:
        params["top"] = ",".join(top)
    if firearm:
        params["firearm"] = firearm
    if located:
        params["located"] = located
    if area is not None:
        params["area"] = ",".join(repr(v) for v in area)  # repr: every digit, so the cell edges are exact
    return f"{reverse('incidents:list')}?{urlencode(params)}"


def _scope_params(scope: Scope) -> dict[str, Any]:
    return {"agency": "" if scope.is_rollup else scope.agency.ori,
            "district": scope.district.code if scope.district else "",
            "beat": scope.beat.code if scope.beat else ""}


def category_params(category: str, mode: str) -> dict[str, Any]:
    """The list filters for a category counted in a mode ("nibrs", "incidents", "offenses"; "top" = by top
    charge as the maps and near repeat count)."""
    if category in ("shooting_incidents", "shooting_victims"):
        return {"firearm": "shooting"}
    if category in ("fatal_shooting_incidents", "fatal_shooting_victims"):
        return {"firearm": "fatal"}
    codes = BY_KEY[category].codes
    return {"top": codes} if mode in ("incidents", "top") else {"offense": codes}


def compstat_drill(result: Compstat, category: str, window: str, area: str = "") -> Drill:
    """A CompStat cell: `window` is a window key ("d28") or its prior-year twin ("d28_py"); `area` a district
    or beat code of the by-area table (`result.by_area`)."""
    mode = next(k for k, words in UNIT_MODES.items() if words == result.counting)
    w = next(w for w in result.windows if w.key == window.removesuffix("_py"))
    start, end = (w.prior_start, w.prior_end) if window.endswith("_py") else (w.start, w.end)
    where = _scope_params(result.scope)
    if area and result.by_area:
        where.update({"district": "", "beat": ""}, **{result.by_area: area})
    url = incident_list_url(**where, date_from=start, date_to=end, **category_params(category, mode))
    return Drill(url, unit_for(BY_KEY[category], mode))


def uptick_drill(result: Upticks, row: Uptick, window: str = "cur") -> Drill:
    """An uptick row's count: `window` "cur" (last 28 days), "py" (a year earlier) or "pre" (8 weeks before)."""
    start, end = uptick_windows(result.as_of)[window]
    district, beat = (row.area_code, "") if row.level == "district" else ("", row.area_code)
    url = incident_list_url(agency=_scope_params(result.scope)["agency"], district=district, beat=beat,
                            date_from=start, date_to=end, **category_params(row.category, "nibrs"))
    return Drill(url, unit_for(BY_KEY[row.category], "nibrs"))


def hotspot_bounds(result: Hotspots, cell: HotCell) -> tuple[float, float, float, float]:
    """The grid cell holding `cell`, as west, south, east, north degrees (the grid's own edges)."""
    grid = result.grid
    if grid is None:
        raise ValueError("this hot-spot result has no grid")
    size = float(grid.cell_m)
    x, y = grid.proj.xy(cell.lon, cell.lat)
    col = int((float(x) - grid.origin[0]) // size)
    row = int((float(y) - grid.origin[1]) // size)
    west, south = grid.proj.lonlat(grid.origin[0] + col * size, grid.origin[1] + row * size)
    east, north = grid.proj.lonlat(grid.origin[0] + (col + 1) * size, grid.origin[1] + (row + 1) * size)
    return west, south, east, north


def hotspot_drill(result: Hotspots, cell: HotCell | None = None) -> Drill:
    """The located incidents the map counted, or (with `cell`) those in one grid cell."""
    area = hotspot_bounds(result, cell) if cell is not None else None
    url = incident_list_url(**_scope_params(result.scope), date_from=result.start, date_to=result.as_of,
                            located="yes", area=area, **category_params(result.category, "top"))
    return Drill(url, INCIDENTS)


def near_repeat_drill(result: NearRepeat) -> Drill:
    """The located incidents the Knox test paired."""
    url = incident_list_url(**_scope_params(result.scope), date_from=result.start, date_to=result.as_of,
                            located="yes", **category_params(result.category, "top"))
    return Drill(url, INCIDENTS)


def firearm_drill(result: Firearm, measure: str, year: Year | None = None) -> Drill:
    """A firearm figure: `measure` (e.g. "shooting_victims") this year to date, or in the `year` row."""
    start, end = (year.start, year.end) if year is not None else (result.as_of.replace(month=1, day=1), result.as_of)
    fatal = measure.startswith("fatal_")
    url = incident_list_url(**_scope_params(result.scope), date_from=start, date_to=end,
                            firearm="fatal" if fatal else "shooting")
    return Drill(url, "victims" if measure.endswith("victims") else INCIDENTS)


def drill_for(result: Any, *keys: Any) -> Drill | None:
    """The drill-down of a figure of any analysis result (what the `{% drill %}` template tag calls)."""
    if isinstance(result, Compstat):
        return compstat_drill(result, *keys)
    if isinstance(result, Upticks):
        return uptick_drill(result, *keys)
    if isinstance(result, Hotspots):
        return hotspot_drill(result, *keys)
    if isinstance(result, NearRepeat):
        return near_repeat_drill(result)
    if isinstance(result, Firearm):
        return firearm_drill(result, *keys)
    return None
