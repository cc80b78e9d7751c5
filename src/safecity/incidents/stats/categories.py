"""CompStat offense categories and their NIBRS counting units.

NIBRS/Summary conversion rule (Beyond 20/20, FBI "Conversion of NIBRS Data to Summary Data"): crimes
against persons are counted once per *victim*, crimes against property once per *offense*. Robbery is a
crime against property in NIBRS (so counted per offense) but violent in the Summary hierarchy. A victim of
several person crimes counts once, under the most serious one (murder > rape > aggravated assault).
"""

from __future__ import annotations

from dataclasses import dataclass

INCIDENTS, OFFENSES, VICTIMS, MIXED = "incidents", "offenses", "victims", "mixed"

UNIT_LABELS = {
    INCIDENTS: "incidents",
    OFFENSES: "offenses",
    VICTIMS: "victims",
    MIXED: "victims (person crimes) + offenses (robbery)",
}

LARCENY = ("23A", "23B", "23C", "23D", "23E", "23F", "23G", "23H")
RAPE = ("11A", "11B", "11C")


@dataclass(frozen=True)
class Category:
    key: str
    label: str
    unit: str  # the NIBRS counting unit of the default ("nibrs") view
    codes: tuple[str, ...] = ()
    parts: tuple[str, ...] = ()  # for totals: keys of the categories summed
    is_total: bool = False


CATEGORIES: tuple[Category, ...] = (
    Category("murder", "Murder and nonnegligent manslaughter (09A)", VICTIMS, ("09A",)),
    Category("rape", "Rape (11A–11C)", VICTIMS, RAPE),
    Category("robbery", "Robbery (120)", OFFENSES, ("120",)),
    Category("agg_assault", "Aggravated assault (13A)", VICTIMS, ("13A",)),
    Category("violent", "Violent crime total", MIXED, ("09A", *RAPE, "120", "13A"),
             parts=("murder", "rape", "robbery", "agg_assault"), is_total=True),
    Category("burglary", "Burglary (220)", OFFENSES, ("220",)),
    Category("larceny", "Larceny-theft (23A–23H)", OFFENSES, LARCENY),
    Category("mv_theft", "Motor vehicle theft (240)", OFFENSES, ("240",)),
    Category("property", "Property crime total", OFFENSES, ("220", *LARCENY, "240"),
             parts=("burglary", "larceny", "mv_theft"), is_total=True),
    Category("arson", "Arson (200)", OFFENSES, ("200",)),
    Category("shooting_incidents", "Shooting incidents", INCIDENTS),
    Category("shooting_victims", "Shooting victims (fatal and non-fatal)", VICTIMS),
)
BY_KEY = {c.key: c for c in CATEGORIES}
KEYS = tuple(c.key for c in CATEGORIES)
# Categories a user can pick for maps, near-repeat and trend charts (incident-level selections).
CHOICES = [(c.key, c.label) for c in CATEGORIES]

# Which category an offense code counts in (first match; totals are summed afterwards).
CODE_CATEGORY: dict[str, str] = {}
for _c in CATEGORIES:
    if not _c.is_total:
        for _code in _c.codes:
            CODE_CATEGORY.setdefault(_code, _c.key)

PERSON_CATEGORIES = ("murder", "rape", "agg_assault")
UNIT_MODES = {
    "nibrs": "NIBRS units: victims for crimes against persons, offenses for property crimes",
    "incidents": "Incidents, by most serious offense (top charge)",
    "offenses": "Offenses (every offense in every incident)",
}


def unit_for(category: Category, mode: str) -> str:
    """The unit a category is counted in under a counting mode."""
    if category.key == "shooting_incidents":
        return INCIDENTS
    if category.key == "shooting_victims":
        return VICTIMS
    if mode == "incidents":
        return INCIDENTS
    if mode == "offenses":
        return OFFENSES
    return category.unit


def fold_totals(values: dict[str, int]) -> dict[str, int]:
    """Fill in the total rows from their parts."""
    out = dict(values)
    for c in CATEGORIES:
        if c.is_total:
            out[c.key] = sum(out.get(p, 0) for p in c.parts)
    return out


def incident_codes(key: str) -> tuple[str, ...]:
    """Primary-offense codes that put an incident in a category (shootings use the is_shooting flag)."""
    return BY_KEY[key].codes
