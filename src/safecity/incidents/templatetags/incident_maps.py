"""The interactive map include (``incidents/_map.html``) and an incident's people and offenses in words."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from safecity.incidents import words

# incidents.maps (NumPy, Shapely through the analyses) is imported inside the tags: Django imports every tag
# library when it builds the template engine, and most pages draw no map.
register = template.Library()


@register.inclusion_tag("incidents/_map.html", takes_context=True)
def hotspot_map(context: Any, fallback: str = "") -> dict[str, Any]:
    """The hot-spot page's map: its layers come from the API with the page's own query (same numbers)."""
    from safecity.incidents import maps

    query = context.get("query", "")
    url = reverse("api-v1:hotspots_map_api") + (f"?{query}" if query else "")
    label = "Interactive map of hot spots, incidents, districts and beats"
    return {"map_id": "hotspot-map", "config_id": "hotspot-map-config", "label": label, "height": "tall",
            "legend": "hotspots",
            "config": {"layers_url": url, "basemap": maps.basemap_config(), "fallback": fallback,
                       "popups": True}}


@register.inclusion_tag("incidents/_map.html")
def incident_map(incident: Any) -> dict[str, Any]:
    """A small map of one incident: its point and its district, drawn from the page itself (no request)."""
    from safecity.incidents import maps

    layers = maps.incident_layers(incident)
    if layers is None:
        return {"map_id": ""}
    label = f"Map of where incident {incident.incident_number} occurred"
    return {"map_id": "incident-map", "config_id": "incident-map-config", "label": label,
            "height": "small", "legend": "incident",
            "config": {"layers": layers, "basemap": maps.basemap_config(), "fallback": "", "popups": False}}


@register.simple_tag
def victims_in_words(incident: Any) -> list[str]:
    from safecity.incidents import maps

    victims = list(incident.victims.all())
    codes = {c for v in victims for c in v.offense_codes or []}
    names = maps.offense_names(codes) if codes else {}
    return [words.victim_words(v, names) for v in victims]


@register.filter
def weapon_words(codes: Any) -> str:
    return words.weapon_words(codes or [])
