export interface GeoPoint {
  lat: number;
  lon: number;
}

export interface Bounds {
  south: number;
  west: number;
  north: number;
  east: number;
}

const KM_PER_DEGREE_OF_LATITUDE = 111.32;
const RADIUS_KM_PER_SQRT_INHABITANT = 0.01;
const MIN_RADIUS_KM = 2;
const MAX_RADIUS_KM = 30;

/**
 * The gazetteer has a centre and a population but no outline, so a city's extent is estimated: a city's area
 * grows roughly with its population, so its radius grows with the square root of it. radius = 0.01 km ·
 * √population, clamped to [2, 30] km, gives Moscow 30 km, Saint Petersburg 22 km, Kazan 10.5 km, Sochi 5.7 km
 * and any town under 40 000 people 2 km. The box is the square around the centre with that half-side.
 */
export function cityRadiusKm(population: number): number {
  const radius = RADIUS_KM_PER_SQRT_INHABITANT * Math.sqrt(Math.max(population, 0));
  return Math.min(MAX_RADIUS_KM, Math.max(MIN_RADIUS_KM, radius));
}

export function cityBounds(centre: GeoPoint, population: number): Bounds {
  const radiusKm = cityRadiusKm(population);
  const latDelta = radiusKm / KM_PER_DEGREE_OF_LATITUDE;
  // Near the poles a degree of longitude shrinks to nothing; there the box simply spans every longitude.
  const cosLat = Math.cos((centre.lat * Math.PI) / 180);
  const lonDelta = radiusKm / (KM_PER_DEGREE_OF_LATITUDE * Math.max(cosLat, 1e-9));
  const everyLongitude = lonDelta >= 180;
  return {
    south: round6(Math.max(-90, centre.lat - latDelta)),
    north: round6(Math.min(90, centre.lat + latDelta)),
    // A box across the antimeridian (Chukotka, Fiji) keeps west > east, as map libraries expect.
    west: everyLongitude ? -180 : round6(wrapLongitude(centre.lon - lonDelta)),
    east: everyLongitude ? 180 : round6(wrapLongitude(centre.lon + lonDelta)),
  };
}

export function boundsContain(bounds: Bounds, point: GeoPoint): boolean {
  const withinLon =
    bounds.west <= bounds.east
      ? point.lon >= bounds.west && point.lon <= bounds.east
      : point.lon >= bounds.west || point.lon <= bounds.east;
  return point.lat >= bounds.south && point.lat <= bounds.north && withinLon;
}

function wrapLongitude(lon: number): number {
  if (lon > 180) return lon - 360;
  if (lon < -180) return lon + 360;
  return lon;
}

function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
