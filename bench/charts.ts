// Small SVG charts for the benchmark report: a line chart (latency percentiles, the scaling curve) and
// horizontal bar charts, plain or stacked (throughput, CPU by party). Pure functions from data to an SVG
// string: no DOM, no dependencies, readable on GitHub and in any browser.

export interface LineSeries {
  label: string;
  points: ReadonlyArray<{ x: number; y: number }>;
}

export interface LineChart {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly LineSeries[];
  /** Label the x axis at these values instead of evenly spaced ticks (e.g. 1, 2, 4 worker processes). */
  xTicks?: readonly number[];
  /** Logarithmic when the series differ by orders of magnitude, so the fast ones are not flattened to zero. */
  yScale?: 'linear' | 'log';
}

export interface StackedBarChart {
  title: string;
  /** Unit of the values, shown on the axis (e.g. "bookings/s", "% of one core"). */
  unit: string;
  /** One bar per category, top to bottom. */
  categories: readonly string[];
  /** The parts of every bar, in stacking order; values[i] belongs to categories[i]. */
  segments: ReadonlyArray<{ label: string; values: readonly number[]; colour?: string }>;
}

const WIDTH = 720;
const FONT = 'font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="12"';
/** Okabe–Ito: distinguishable with the common forms of colour blindness. */
const PALETTE = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#D55E00',
  '#CC79A7',
  '#56B4E9',
  '#F0E442',
  '#000000',
  '#999999',
];

const colour = (index: number) => PALETTE[index % PALETTE.length]!;

const escapeXml = (text: string) =>
  text.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!,
  );

const format = (value: number) =>
  Math.abs(value) >= 100 || Number.isInteger(value) ? String(Math.round(value)) : value.toFixed(1);

/** Round axis steps (1, 2, 5 × 10^n) covering [0, max] in about `count` steps. */
export function niceTicks(max: number, count = 5): number[] {
  if (!(max > 0)) return [0, 1];
  const rough = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= rough) ?? 10 * magnitude;
  const ticks: number[] = [];
  for (let tick = 0; tick < max + step / 2; tick += step) ticks.push(Number(tick.toPrecision(12)));
  if (ticks.at(-1)! < max) ticks.push(Number((ticks.at(-1)! + step).toPrecision(12)));
  return ticks;
}

/** 1, 2, 5 × 10^n from the last at or below `min` to the first at or above `max`, for a logarithmic axis. */
export function logTicks(min: number, max: number): number[] {
  const candidates: number[] = [];
  for (
    let exponent = Math.floor(Math.log10(min));
    candidates.at(-1) === undefined || candidates.at(-1)! < max;
    exponent++
  ) {
    for (const mantissa of [1, 2, 5]) candidates.push(Number((mantissa * 10 ** exponent).toPrecision(12)));
  }
  const first = candidates.findLastIndex((tick) => tick <= min);
  const last = candidates.findIndex((tick) => tick >= max);
  return candidates.slice(Math.max(0, first), last + 1);
}

function svg(height: number, title: string, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" ${FONT}>`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text x="${WIDTH / 2}" y="22" text-anchor="middle" font-size="15" font-weight="600">${escapeXml(title)}</text>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

/** A row of colour swatches and labels under the title; returns its elements and height. */
function legend(
  labels: readonly string[],
  y: number,
  colours: readonly string[] = labels.map((_, index) => colour(index)),
): { elements: string[]; height: number } {
  const elements: string[] = [];
  let x = 16;
  let row = 0;
  for (const [index, label] of labels.entries()) {
    const width = 22 + label.length * 6.8;
    if (x + width > WIDTH - 16 && x > 16) {
      x = 16;
      row += 1;
    }
    const top = y + row * 18;
    elements.push(
      `<rect x="${x}" y="${top}" width="12" height="12" fill="${colours[index]}"/>`,
      `<text x="${x + 16}" y="${top + 10}">${escapeXml(label)}</text>`,
    );
    x += width + 12;
  }
  return { elements, height: labels.length > 0 ? (row + 1) * 18 : 0 };
}

export function lineChart(chart: LineChart): string {
  const key = legend(
    chart.series.map((s) => s.label),
    36,
  );
  const plot = { left: 72, right: WIDTH - 24, top: 48 + key.height, bottom: 0 };
  const height = plot.top + 300;
  plot.bottom = height - 52;
  const points = chart.series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.y));
  const xTicks = chart.xTicks ?? niceTicks(Math.max(...points.map((p) => p.x), 1));
  // A little room either side, so points on the first and last tick are drawn whole.
  const xPadding = (Math.max(...xTicks) - Math.min(0, ...xTicks)) * 0.03;
  const xMin = Math.min(0, ...xTicks) - xPadding;
  const xMax = Math.max(...xTicks) + xPadding;
  const ys = points.map((p) => p.y);
  const log = chart.yScale === 'log' && ys.every((y) => y > 0);
  const yTicks = log ? logTicks(Math.min(...ys), Math.max(...ys)) : niceTicks(Math.max(...ys, 0));
  const yMin = log ? yTicks[0]! : 0;
  const yMax = yTicks.at(-1)!;
  const fraction = log
    ? (y: number) => Math.log10(y / yMin) / Math.log10(yMax / yMin)
    : (y: number) => y / yMax;
  const px = (x: number) => plot.left + ((x - xMin) / (xMax - xMin || 1)) * (plot.right - plot.left);
  const py = (y: number) => plot.bottom - fraction(y) * (plot.bottom - plot.top);
  const body = [
    ...key.elements,
    ...yTicks.flatMap((tick) => [
      `<line x1="${plot.left}" x2="${plot.right}" y1="${py(tick)}" y2="${py(tick)}" stroke="#e5e5e5"/>`,
      `<text x="${plot.left - 6}" y="${py(tick) + 4}" text-anchor="end">${format(tick)}</text>`,
    ]),
    ...xTicks.map(
      (tick) => `<text x="${px(tick)}" y="${plot.bottom + 18}" text-anchor="middle">${format(tick)}</text>`,
    ),
    `<line x1="${plot.left}" x2="${plot.right}" y1="${plot.bottom}" y2="${plot.bottom}" stroke="#333"/>`,
    `<line x1="${plot.left}" x2="${plot.left}" y1="${plot.top}" y2="${plot.bottom}" stroke="#333"/>`,
    `<text x="${(plot.left + plot.right) / 2}" y="${height - 14}" text-anchor="middle">${escapeXml(chart.xLabel)}</text>`,
    `<text transform="translate(18 ${(plot.top + plot.bottom) / 2}) rotate(-90)" text-anchor="middle">${escapeXml(chart.yLabel)}</text>`,
    ...chart.series.flatMap((series, index) => {
      const drawn = series.points.filter((p) => Number.isFinite(p.y));
      const path = drawn.map((p, i) => `${i === 0 ? 'M' : 'L'}${px(p.x).toFixed(1)},${py(p.y).toFixed(1)}`);
      return [
        ...(drawn.length > 1
          ? [`<path d="${path.join(' ')}" fill="none" stroke="${colour(index)}" stroke-width="2"/>`]
          : []),
        ...drawn.map(
          (p) =>
            `<circle cx="${px(p.x).toFixed(1)}" cy="${py(p.y).toFixed(1)}" r="3.5" fill="${colour(index)}"><title>${escapeXml(`${series.label}: ${format(p.y)} at ${format(p.x)}`)}</title></circle>`,
        ),
      ];
    }),
  ];
  return svg(height, chart.title, body);
}

const BAR_HEIGHT = 22;
const BAR_GAP = 10;
/** Roughly how wide a character of the labels is, to leave room for the longest category. */
const CHARACTER_WIDTH = 6.6;

/** Horizontal bars, one per category, each stacked from its segments; the total is written at its end. */
export function stackedBarChart(chart: StackedBarChart): string {
  const stacked = chart.segments.length > 1;
  const segmentColour = (index: number) => chart.segments[index]?.colour ?? colour(index);
  const key = legend(
    stacked ? chart.segments.map((s) => s.label) : [],
    36,
    chart.segments.map((_, index) => segmentColour(index)),
  );
  const longest = Math.max(...chart.categories.map((category) => category.length), 0);
  const labelWidth = Math.min(WIDTH / 2, 24 + longest * CHARACTER_WIDTH);
  const plot = { left: labelWidth, right: WIDTH - 64, top: 44 + key.height };
  const totals = chart.categories.map((_, i) =>
    chart.segments.reduce((sum, segment) => sum + Math.max(0, segment.values[i] ?? 0), 0),
  );
  const ticks = niceTicks(Math.max(...totals, 0));
  const max = ticks.at(-1)!;
  const bottom = plot.top + chart.categories.length * (BAR_HEIGHT + BAR_GAP);
  const height = bottom + 48;
  const px = (value: number) => plot.left + (value / max) * (plot.right - plot.left);
  const body = [
    ...key.elements,
    ...ticks.flatMap((tick) => [
      `<line x1="${px(tick)}" x2="${px(tick)}" y1="${plot.top - 4}" y2="${bottom}" stroke="#e5e5e5"/>`,
      `<text x="${px(tick)}" y="${bottom + 16}" text-anchor="middle">${format(tick)}</text>`,
    ]),
    `<text x="${(plot.left + plot.right) / 2}" y="${height - 10}" text-anchor="middle">${escapeXml(chart.unit)}</text>`,
    ...chart.categories.flatMap((category, i) => {
      const top = plot.top + i * (BAR_HEIGHT + BAR_GAP);
      let offset = 0;
      const parts = chart.segments.map((segment, s) => {
        const value = Math.max(0, segment.values[i] ?? 0);
        const x = px(offset);
        offset += value;
        const fill = stacked ? segmentColour(s) : colour(i);
        return `<rect x="${x.toFixed(1)}" y="${top}" width="${(px(offset) - x).toFixed(1)}" height="${BAR_HEIGHT}" fill="${fill}"><title>${escapeXml(`${category} — ${segment.label}: ${format(value)} ${chart.unit}`)}</title></rect>`;
      });
      return [
        `<text x="${plot.left - 8}" y="${top + BAR_HEIGHT / 2 + 4}" text-anchor="end">${escapeXml(category)}</text>`,
        ...parts,
        `<text x="${px(totals[i]!) + 6}" y="${top + BAR_HEIGHT / 2 + 4}">${format(totals[i]!)}</text>`,
      ];
    }),
    `<line x1="${plot.left}" x2="${plot.left}" y1="${plot.top - 4}" y2="${bottom}" stroke="#333"/>`,
  ];
  return svg(height, chart.title, body);
}

/** One bar per category. */
export function barChart(chart: {
  title: string;
  unit: string;
  bars: ReadonlyArray<{ label: string; value: number }>;
}) {
  return stackedBarChart({
    title: chart.title,
    unit: chart.unit,
    categories: chart.bars.map((bar) => bar.label),
    segments: [{ label: chart.unit, values: chart.bars.map((bar) => bar.value) }],
  });
}
