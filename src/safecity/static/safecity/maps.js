// The interactive map (docs/maps.md): MapLibre GL JS from our own static files, on the basemap the server
// configured (a PMTiles file we serve, the city's tile URL, the demo's streets, or none). Everything it loads
// is same-origin unless the city set a tile URL, so the strict Content-Security-Policy holds. The map is a
// supplement: the page's table (and the SVG map when JavaScript is off) say the same things.
import * as maplibregl from "../vendor/maplibre-gl/maplibre-gl.mjs";

const COLOURS = {
  incident: "#005ea2", shooting: "#d54309", district: "#1b1b1b", beat: "#71767a",
  "99%": "#b50909", "95%": "#e5a000", "90%": "#f2d38a", "not significant": "#dfe1e2",
};
const BEAT_LABEL_ZOOM = 12.5;

function width(small, large) {
  return ["interpolate", ["linear"], ["zoom"], 10, small, 16, large];
}

function demoStreetLayers(source) {
  return [
    { id: "base-water", type: "fill", source, filter: ["==", ["get", "kind"], "water"], paint: { "fill-color": "#c6dcef" } },
    { id: "base-park", type: "fill", source, filter: ["==", ["get", "kind"], "park"], paint: { "fill-color": "#dcebd5" } },
    { id: "base-minor", type: "line", source, filter: ["==", ["get", "kind"], "minor"], paint: { "line-color": "#ffffff", "line-width": width(0.6, 5) } },
    { id: "base-major", type: "line", source, filter: ["==", ["get", "kind"], "major"], paint: { "line-color": "#fbe3b5", "line-width": width(1.5, 8) } },
    { id: "base-highway", type: "line", source, filter: ["==", ["get", "kind"], "highway"], paint: { "line-color": "#f5c26b", "line-width": width(2, 10) } },
  ];
}

// Layers for an OpenStreetMap vector basemap in the Protomaps schema (what `pmtiles extract` of a Protomaps
// build gives); no labels, because text needs glyph files we do not ship.
function protomapsLayers(source) {
  const of = (layer, extra) => ({ source, "source-layer": layer, ...extra });
  const kinds = (list) => ["in", ["get", "kind"], ["literal", list]];
  return [
    of("earth", { id: "base-earth", type: "fill", paint: { "fill-color": "#f4f3ef" } }),
    of("landuse", { id: "base-park", type: "fill", filter: kinds(["park", "nature_reserve", "forest", "wood", "grass", "cemetery", "golf_course", "recreation_ground"]), paint: { "fill-color": "#dcebd5" } }),
    of("water", { id: "base-water", type: "fill", paint: { "fill-color": "#c6dcef" } }),
    of("buildings", { id: "base-buildings", type: "fill", minzoom: 14, paint: { "fill-color": "#e4e2de" } }),
    of("roads", { id: "base-minor", type: "line", filter: kinds(["minor_road", "other", "path"]), paint: { "line-color": "#ffffff", "line-width": width(0.5, 5) } }),
    of("roads", { id: "base-major", type: "line", filter: kinds(["major_road"]), paint: { "line-color": "#fbe3b5", "line-width": width(1.2, 8) } }),
    of("roads", { id: "base-highway", type: "line", filter: kinds(["highway"]), paint: { "line-color": "#f5c26b", "line-width": width(1.5, 10) } }),
    of("boundaries", { id: "base-boundaries", type: "line", paint: { "line-color": "#a9aeb1", "line-dasharray": [3, 2] } }),
  ];
}

async function basemapStyle(basemap) {
  const style = { version: 8, sources: {}, layers: [{ id: "background", type: "background", paint: { "background-color": "#f4f3ef" } }] };
  const attribution = basemap.attribution || "";
  if (basemap.kind === "geojson") {
    style.sources.basemap = { type: "geojson", data: basemap.url, attribution };
    style.layers.push(...demoStreetLayers("basemap"));
  } else if (basemap.kind === "raster") {
    style.sources.basemap = { type: "raster", tiles: [basemap.url], tileSize: 256, attribution };
    style.layers.push({ id: "base-raster", type: "raster", source: "basemap" });
  } else if (basemap.kind === "vector") {
    style.layers[0].paint["background-color"] = "#c6dcef";
    style.sources.basemap = { type: "vector", tiles: [basemap.url], maxzoom: 15, attribution };
    style.layers.push(...protomapsLayers("basemap"));
  } else if (basemap.kind === "pmtiles" && window.pmtiles) {
    const protocol = new window.pmtiles.Protocol();
    maplibregl.addProtocol("pmtiles", protocol.tile);
    const absolute = new URL(basemap.url, window.location.href).href;
    const archive = new window.pmtiles.PMTiles(absolute);
    protocol.add(archive);
    const header = await archive.getHeader();
    const url = `pmtiles://${absolute}`;
    if (header.tileType === 1) { // Mapbox vector tiles
      style.layers[0].paint["background-color"] = "#c6dcef";
      style.sources.basemap = { type: "vector", url, attribution };
      style.layers.push(...protomapsLayers("basemap"));
    } else {
      style.sources.basemap = { type: "raster", url, tileSize: 256, attribution };
      style.layers.push({ id: "base-raster", type: "raster", source: "basemap" });
    }
  }
  return style;
}

function addDataLayers(map, layers, focus) {
  for (const name of ["cells", "beats", "districts", "incidents"]) {
    map.addSource(name, { type: "geojson", data: layers[name] });
  }
  const levels = ["match", ["get", "level"]];
  for (const level of ["99%", "95%", "90%"]) levels.push(level, COLOURS[level]);
  levels.push(COLOURS["not significant"]);
  map.addLayer({ id: "cells", type: "fill", source: "cells", paint: { "fill-color": levels, "fill-opacity": 0.6 } });
  map.addLayer({ id: "districts-fill", type: "fill", source: "districts", paint: { "fill-color": "#000000", "fill-opacity": 0 } });
  map.addLayer({ id: "beats", type: "line", source: "beats", paint: { "line-color": COLOURS.beat, "line-width": 1, "line-dasharray": [3, 2] } });
  map.addLayer({ id: "districts", type: "line", source: "districts", paint: { "line-color": COLOURS.district, "line-width": 2.5 } });
  map.addLayer({
    id: "incidents", type: "circle", source: "incidents", paint: {
      // One incident on its own page is the point of the map: draw it large enough to find at a glance.
      "circle-radius": focus ? 8 : ["interpolate", ["linear"], ["zoom"], 10, 2.5, 16, 7],
      "circle-color": ["case", ["get", "shooting"], COLOURS.shooting, COLOURS.incident],
      "circle-stroke-color": "#ffffff", "circle-stroke-width": focus ? 2.5 : 0.6,
    },
  });
}

function addLabels(map, container, layers) {
  for (const [collection, kind] of [[layers.districts, "district"], [layers.beats, "beat"]]) {
    for (const feature of collection.features) {
      const el = document.createElement("div");
      el.className = `sc-map__label sc-map__label--${kind}`;
      el.textContent = kind === "beat" ? `Beat ${feature.properties.code}` : feature.properties.name;
      el.setAttribute("aria-hidden", "true"); // the names are in the legend's tables and the page already
      new maplibregl.Marker({ element: el }).setLngLat(feature.properties.label).addTo(map);
    }
  }
  const toggle = () => container.classList.toggle("sc-map--beats", map.getZoom() >= BEAT_LABEL_ZOOM);
  map.on("zoomend", toggle);
  toggle();
}

function line(parent, text, tag = "p") {
  const el = document.createElement(tag);
  el.textContent = text;
  parent.appendChild(el);
  return el;
}

function incidentPopup(features) {
  const box = document.createElement("div");
  const first = features[0].properties;
  line(line(box, ""), `Incident ${first.number}`, "strong");
  line(box, first.offense);
  line(box, `Occurred ${first.occurred}`);
  if (first.block) line(box, first.block);
  const link = line(line(box, ""), "Open this incident", "a");
  link.href = first.url;
  link.className = "usa-link";
  if (features.length > 1) {
    line(box, `${features.length - 1} more here:`);
    const list = line(box, "", "ul");
    for (const other of features.slice(1, 6)) {
      const a = line(line(list, "", "li"), `${other.properties.number} (${other.properties.offense})`, "a");
      a.href = other.properties.url;
      a.className = "usa-link";
    }
  }
  return box;
}

function areaPopup(feature, cell) {
  const box = document.createElement("div");
  if (cell) {
    const p = cell.properties;
    line(line(box, ""), "Grid cell", "strong");
    line(box, `${p.count} incident${p.count === 1 ? "" : "s"}; Gi* z ${p.z === null ? "not computed" : p.z} (${p.level})`);
  }
  if (feature) {
    line(box, `${feature.properties.kind === "beat" ? "Beat" : "District"}: ${feature.properties.name} (${feature.properties.code})`);
  }
  return box;
}

function addPopups(map) {
  map.on("click", (event) => {
    const hits = map.queryRenderedFeatures(event.point, { layers: ["incidents"] });
    let content;
    if (hits.length) {
      content = incidentPopup(hits);
    } else {
      const [cell] = map.queryRenderedFeatures(event.point, { layers: ["cells"] });
      const [district] = map.queryRenderedFeatures(event.point, { layers: ["districts-fill"] });
      if (!cell && !district) return;
      content = areaPopup(district, cell);
    }
    new maplibregl.Popup({ maxWidth: "20rem" }).setLngLat(event.lngLat).setDOMContent(content).addTo(map);
  });
  map.on("mouseenter", "incidents", () => { map.getCanvas().style.cursor = "pointer"; });
  map.on("mouseleave", "incidents", () => { map.getCanvas().style.cursor = ""; });
}

async function layersFor(config) {
  if (config.layers) return config.layers;
  const response = await fetch(config.layers_url, { credentials: "same-origin", headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`map layers: HTTP ${response.status}`);
  return response.json();
}

async function draw(container) {
  const config = JSON.parse(document.getElementById(container.dataset.mapConfig).textContent);
  const layers = await layersFor(config);
  const style = await basemapStyle(config.basemap);
  container.hidden = false;
  const canvas = container.querySelector(".sc-map__canvas");
  const options = { container: canvas, style, attributionControl: false, maxZoom: 18 };
  const [w, s, e, n] = layers.bbox || [-180, -85, 180, 85];
  if (e - w < 0.002 && n - s < 0.002) Object.assign(options, { center: [w, s], zoom: 15 });
  else Object.assign(options, { bounds: [[w, s], [e, n]], fitBoundsOptions: { padding: 24 } });
  const map = new maplibregl.Map(options);
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-right");
  map.addControl(new maplibregl.AttributionControl({ compact: true }), "bottom-right");
  map.addControl(new maplibregl.ScaleControl({ unit: "metric" }), "bottom-left");
  window.safecityMaps = window.safecityMaps || {};
  window.safecityMaps[container.id] = map;
  const note = container.querySelector("[data-map-note]");
  if (note && layers.incidents_shown < layers.incidents_total) {
    note.textContent = `The map shows the newest ${layers.incidents_shown.toLocaleString()} of ${layers.incidents_total.toLocaleString()} incidents; the counts and the table use all of them.`;
  }
  map.on("load", () => {
    addDataLayers(map, layers, !config.popups && layers.incidents.features.length === 1);
    addLabels(map, container, layers);
    if (config.popups) addPopups(map);
    if (config.fallback) {
      const fallback = document.getElementById(config.fallback);
      if (fallback) fallback.hidden = true;
    }
    map.once("idle", () => { container.dataset.mapState = "ready"; });
  });
  map.on("error", (event) => { container.dataset.mapError = String(event.error && event.error.message); });
}

for (const container of document.querySelectorAll(".sc-map[data-map-config]")) {
  draw(container).catch((error) => {
    // No WebGL, or the layers could not be read: keep the SVG map and the table, which say the same.
    container.hidden = true;
    container.dataset.mapState = "failed";
    container.dataset.mapError = String(error && error.message);
  });
}
