const EARTH_RADIUS_KM = 6371.0088;
const RADIANS = Math.PI / 180;

/**
 * Nearest-point lookup over a fixed set of coordinates: a k-d tree over points on the unit sphere in 3-D, so
 * straight-line (chord) distance orders points exactly as great-circle distance does, with no special cases
 * at the poles or the antimeridian. The tree is implicit: `order` holds point numbers so that each range's
 * middle element splits it on axis depth % 3.
 */
export class NearestIndex {
  private readonly xyz: Float64Array;
  private readonly order: Uint32Array;

  constructor(latitudes: ArrayLike<number>, longitudes: ArrayLike<number>) {
    const count = latitudes.length;
    this.xyz = new Float64Array(count * 3);
    for (let point = 0; point < count; point++) {
      const [x, y, z] = toUnitVector(latitudes[point]!, longitudes[point]!);
      this.xyz[point * 3] = x;
      this.xyz[point * 3 + 1] = y;
      this.xyz[point * 3 + 2] = z;
    }
    this.order = Uint32Array.from({ length: count }, (_, point) => point);
    this.build(0, count - 1, 0);
  }

  /** The point nearest to (lat, lon) and its great-circle distance, or undefined when there are no points. */
  nearest(lat: number, lon: number): { point: number; distanceKm: number } | undefined {
    if (this.order.length === 0) return undefined;
    const target = toUnitVector(lat, lon);
    const best = { point: -1, chordSquared: Infinity };
    this.search(0, this.order.length - 1, 0, target, best);
    const chord = Math.sqrt(best.chordSquared);
    return { point: best.point, distanceKm: 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, chord / 2)) };
  }

  private build(low: number, high: number, axis: number): void {
    if (low >= high) return;
    const middle = (low + high) >>> 1;
    this.select(low, high, middle, axis);
    const next = (axis + 1) % 3;
    this.build(low, middle - 1, next);
    this.build(middle + 1, high, next);
  }

  /** Quickselect: afterwards order[k] is the point a sort on `axis` would put there, smaller ones before it. */
  private select(low: number, high: number, k: number, axis: number): void {
    const { order, xyz } = this;
    while (high > low) {
      const pivot = xyz[order[(low + high) >>> 1]! * 3 + axis]!;
      let left = low;
      let right = high;
      while (left <= right) {
        while (xyz[order[left]! * 3 + axis]! < pivot) left++;
        while (xyz[order[right]! * 3 + axis]! > pivot) right--;
        if (left <= right) {
          const swap = order[left]!;
          order[left] = order[right]!;
          order[right] = swap;
          left++;
          right--;
        }
      }
      if (k <= right) high = right;
      else if (k >= left) low = left;
      else return;
    }
  }

  private search(
    low: number,
    high: number,
    axis: number,
    target: [number, number, number],
    best: { point: number; chordSquared: number },
  ): void {
    if (low > high) return;
    const middle = (low + high) >>> 1;
    const point = this.order[middle]!;
    const offset = point * 3;
    const dx = this.xyz[offset]! - target[0];
    const dy = this.xyz[offset + 1]! - target[1];
    const dz = this.xyz[offset + 2]! - target[2];
    const chordSquared = dx * dx + dy * dy + dz * dz;
    if (chordSquared < best.chordSquared) {
      best.point = point;
      best.chordSquared = chordSquared;
    }
    const split = target[axis]! - this.xyz[offset + axis]!;
    const next = (axis + 1) % 3;
    const [near, far] =
      split < 0
        ? [
            [low, middle - 1],
            [middle + 1, high],
          ]
        : [
            [middle + 1, high],
            [low, middle - 1],
          ];
    this.search(near[0]!, near[1]!, next, target, best);
    if (split * split < best.chordSquared) this.search(far[0]!, far[1]!, next, target, best);
  }
}

function toUnitVector(lat: number, lon: number): [number, number, number] {
  const phi = lat * RADIANS;
  const lambda = lon * RADIANS;
  const cosPhi = Math.cos(phi);
  return [cosPhi * Math.cos(lambda), cosPhi * Math.sin(lambda), Math.sin(phi)];
}
