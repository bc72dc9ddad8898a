/**
 * A small inline-SVG line chart for the self-contained demo report and the web console.
 * Hand-written on purpose: a charting library would have to be inlined into the HTML (hundreds
 * of kilobytes of JavaScript) to keep the report a single file that opens offline, and the
 * console renders its pages on the server; the few kinds of line chart needed take ~100 lines.
 */

export interface ChartPoint {
  readonly x: number;
  readonly y: number;
}

export interface ChartSeries {
  readonly name: string;
  readonly color: string;
  readonly points: readonly ChartPoint[];
  /** Shaded interval around the line (same x values). */
  readonly band?: ReadonlyArray<{ readonly x: number; readonly lo: number; readonly hi: number }>;
  /** Draw as a step function (a value holds until the next point). */
  readonly step?: boolean;
  readonly dashed?: boolean;
}

export interface ChartOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly ChartSeries[];
  readonly yMin?: number;
  readonly yMax?: number;
  /** Format of y tick labels. */
  readonly yFormat?: (y: number) => string;
  readonly width?: number;
  readonly height?: number;
}

export const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const niceTicks = (min: number, max: number, count = 5): number[] => {
  if (!(max > min)) return [min];
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let t = Math.ceil(min / step) * step; t <= max + step * 1e-9; t += step)
    ticks.push(Number(t.toPrecision(12)));
  return ticks;
};

/** Renders the chart as an `<svg>` element string. */
export function lineChart(options: ChartOptions): string {
  const width = options.width ?? 640;
  const height = options.height ?? 260;
  const m = { top: 28, right: 16, bottom: 40, left: 56 };
  const xs = options.series.flatMap((s) => s.points.map((p) => p.x));
  const ys = options.series.flatMap((s) => [
    ...s.points.map((p) => p.y),
    ...(s.band ?? []).flatMap((b) => [b.lo, b.hi]),
  ]);
  const xMin = xs.length ? Math.min(...xs) : 0;
  const xMax = xs.length ? Math.max(...xs, xMin + 1) : 1;
  let yMin = options.yMin ?? (ys.length ? Math.min(...ys) : 0);
  let yMax = options.yMax ?? (ys.length ? Math.max(...ys) : 1);
  if (!(yMax > yMin)) {
    yMin -= 0.5;
    yMax += 0.5;
  }
  const sx = (x: number) => m.left + ((x - xMin) / (xMax - xMin)) * (width - m.left - m.right);
  const sy = (y: number) =>
    height -
    m.bottom -
    ((Math.min(Math.max(y, yMin), yMax) - yMin) / (yMax - yMin)) * (height - m.top - m.bottom);
  const fmt = options.yFormat ?? ((y: number) => String(y));
  const parts: string[] = [];
  parts.push(`<text x="${m.left}" y="16" class="title">${escapeHtml(options.title)}</text>`);
  for (const t of niceTicks(yMin, yMax)) {
    parts.push(
      `<line x1="${m.left}" x2="${width - m.right}" y1="${sy(t)}" y2="${sy(t)}" class="grid"/>`,
    );
    parts.push(
      `<text x="${m.left - 6}" y="${sy(t) + 4}" class="tick" text-anchor="end">${escapeHtml(fmt(t))}</text>`,
    );
  }
  for (const t of niceTicks(xMin, xMax, 6)) {
    parts.push(
      `<text x="${sx(t)}" y="${height - m.bottom + 16}" class="tick" text-anchor="middle">${escapeHtml(String(t))}</text>`,
    );
  }
  parts.push(
    `<text x="${(m.left + width - m.right) / 2}" y="${height - 6}" class="axis" text-anchor="middle">${escapeHtml(options.xLabel)}</text>`,
  );
  parts.push(
    `<text transform="translate(14 ${(m.top + height - m.bottom) / 2}) rotate(-90)" class="axis" text-anchor="middle">${escapeHtml(options.yLabel)}</text>`,
  );
  // Legend entries side by side, each as wide as its name (about 6.5 px per character at 11 px).
  let legendX = m.left + 8;
  options.series.forEach((s) => {
    if (s.band && s.band.length > 1) {
      const upper = s.band.map((b) => `${sx(b.x)},${sy(b.hi)}`);
      const lower = [...s.band].reverse().map((b) => `${sx(b.x)},${sy(b.lo)}`);
      parts.push(
        `<polygon points="${[...upper, ...lower].join(' ')}" fill="${s.color}" opacity="0.18"/>`,
      );
    }
    const pts: string[] = [];
    s.points.forEach((p, k) => {
      const prev = s.points[k - 1];
      if (s.step && prev) pts.push(`${sx(p.x)},${sy(prev.y)}`);
      pts.push(`${sx(p.x)},${sy(p.y)}`);
    });
    if (pts.length > 0) {
      parts.push(
        `<polyline points="${pts.join(' ')}" fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 4"' : ''}/>`,
      );
    }
    const lx = legendX;
    legendX += 16 + Math.ceil(s.name.length * 6.5) + 14;
    parts.push(`<rect x="${lx}" y="${m.top - 4}" width="12" height="3" fill="${s.color}"/>`);
    parts.push(`<text x="${lx + 16}" y="${m.top}" class="legend">${escapeHtml(s.name)}</text>`);
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(options.title)}">${parts.join('')}</svg>`;
}
