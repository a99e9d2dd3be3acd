import { NearestIndex } from './nearest-index';

const RADIANS = Math.PI / 180;

function haversineKm(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const h =
    Math.sin(((b.lat - a.lat) * RADIANS) / 2) ** 2 +
    Math.cos(a.lat * RADIANS) * Math.cos(b.lat * RADIANS) * Math.sin(((b.lon - a.lon) * RADIANS) / 2) ** 2;
  return 2 * 6371.0088 * Math.asin(Math.sqrt(h));
}

/** A deterministic spread of points, so a failure reproduces. */
function pseudoRandomPoints(count: number, seed: number): { lat: number; lon: number }[] {
  let state = seed;
  const next = () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
  return Array.from({ length: count }, () => ({
    lat: Math.asin(next() * 2 - 1) / RADIANS,
    lon: next() * 360 - 180,
  }));
}

describe('NearestIndex', () => {
  const points = pseudoRandomPoints(5_000, 1);
  const index = new NearestIndex(
    points.map((point) => point.lat),
    points.map((point) => point.lon),
  );

  it('finds the same nearest point as a brute-force scan, poles and antimeridian included', () => {
    const targets = [
      ...pseudoRandomPoints(500, 2),
      { lat: 90, lon: 0 },
      { lat: -90, lon: 0 },
      { lat: 0, lon: 180 },
      { lat: 65, lon: -179.999 },
    ];
    for (const target of targets) {
      const distances = points.map((point) => haversineKm(point, target));
      const expected = Math.min(...distances);
      const found = index.nearest(target.lat, target.lon)!;
      expect(found.distanceKm).toBeCloseTo(expected, 6);
      expect(distances[found.point]).toBeCloseTo(expected, 6);
    }
  });

  it('finds a point at distance zero and answers nothing when empty', () => {
    expect(index.nearest(points[42]!.lat, points[42]!.lon)).toEqual({ point: 42, distanceKm: 0 });
    expect(new NearestIndex([], []).nearest(0, 0)).toBeUndefined();
  });
});
