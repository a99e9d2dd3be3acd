import { lineChart, logTicks, niceTicks } from './charts';

describe('axis ticks', () => {
  it('steps a linear axis in 1, 2, 5 × 10^n from zero past the maximum', () => {
    expect(niceTicks(7.3)).toEqual([0, 2, 4, 6, 8]);
    expect(niceTicks(4988)).toEqual([0, 1000, 2000, 3000, 4000, 5000]);
  });

  it('spans a logarithmic axis from the tick at or below the minimum to the one at or above the maximum', () => {
    expect(logTicks(1.6, 5890)).toEqual([1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000]);
    expect(logTicks(20, 20)).toEqual([20]);
  });
});

it('draws a point of each series where its value lies on a logarithmic axis', () => {
  const svg = lineChart({
    title: 'latency',
    xLabel: 'percentile',
    yLabel: 'ms',
    series: [
      { label: 'fast', points: [{ x: 50, y: 10 }] },
      { label: 'slow', points: [{ x: 50, y: 1000 }] },
    ],
    yScale: 'log',
  });
  const heights = [...svg.matchAll(/<circle cx="[\d.]+" cy="([\d.]+)"/g)].map((match) => Number(match[1]));

  // 10 and 1000 sit at the two ends of a 10…1000 axis, far apart, instead of 10 flattened onto the zero line.
  expect(heights).toHaveLength(2);
  expect(heights[0]! - heights[1]!).toBeGreaterThan(200);
});
