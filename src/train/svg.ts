// Minimal SVG line charts for the training report: no dependency, just strings. A chart has
// one or more series of (x, y) points, linear or logarithmic axes, ticks and a legend.

export interface Series {
  name: string;
  points: readonly (readonly [number, number])[];
  color?: string;
  dashed?: boolean;
}

export interface ChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  width?: number;
  height?: number;
  logX?: boolean;
  logY?: boolean;
  /** Horizontal reference lines, e.g. a baseline loss. */
  references?: { y: number; label: string }[];
}

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'];

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** "Nice" tick values covering [lo, hi] (about `count` of them). */
function ticks(lo: number, hi: number, count: number, log: boolean): number[] {
  if (log) {
    const out: number[] = [];
    for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
      const v = 10 ** e;
      if (v >= lo * 0.999 && v <= hi * 1.001) out.push(v);
    }
    return out.length >= 2 ? out : [lo, hi];
  }
  if (hi === lo) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

function label(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) return v.toExponential(0);
  return String(Number(v.toPrecision(3)));
}

export function lineChart(series: readonly Series[], opts: ChartOptions): string {
  const W = opts.width ?? 640;
  const H = opts.height ?? 320;
  const m = { left: 64, right: 16, top: 32, bottom: 44 };
  const pts = series.flatMap((s) => s.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y) && (!opts.logX || x > 0) && (!opts.logY || y > 0));
  const refs = opts.references ?? [];
  if (pts.length === 0) return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><text x="${W / 2}" y="${H / 2}" text-anchor="middle">${escapeXml(opts.title)}: no data</text></svg>`;
  const xs = pts.map((p) => p[0]);
  const ys = [...pts.map((p) => p[1]), ...refs.map((r) => r.y).filter((y) => !opts.logY || y > 0)];
  let [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (x0 === x1) [x0, x1] = opts.logX ? [x0 / 2, x1 * 2] : [x0 - 1, x1 + 1];
  if (y0 === y1) [y0, y1] = opts.logY ? [y0 / 2, y1 * 2] : [y0 - 1, y1 + 1];
  // 5 % of head room above and below, measured in decades on a log axis, so that a peak (a
  // long-convolution kernel's single tap, say) is drawn inside the frame, not on it.
  if (opts.logY) { const pad = (y1 / y0) ** 0.05; y0 /= pad; y1 *= pad; } else { const pad = (y1 - y0) * 0.05; y0 -= pad; y1 += pad; }
  const tx = (x: number): number => opts.logX ? Math.log(x / x0) / Math.log(x1 / x0) : (x - x0) / (x1 - x0);
  const ty = (y: number): number => opts.logY ? Math.log(y / y0) / Math.log(y1 / y0) : (y - y0) / (y1 - y0);
  const px = (x: number): number => m.left + tx(x) * (W - m.left - m.right);
  const py = (y: number): number => H - m.bottom - ty(y) * (H - m.top - m.bottom);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`);
  parts.push(`<text x="${W / 2}" y="18" text-anchor="middle" font-size="13" font-weight="bold">${escapeXml(opts.title)}</text>`);
  for (const t of ticks(x0, x1, 6, opts.logX ?? false)) {
    parts.push(`<line x1="${px(t)}" x2="${px(t)}" y1="${m.top}" y2="${H - m.bottom}" stroke="#eee"/><text x="${px(t)}" y="${H - m.bottom + 14}" text-anchor="middle">${label(t)}</text>`);
  }
  for (const t of ticks(y0, y1, 5, opts.logY ?? false)) {
    parts.push(`<line x1="${m.left}" x2="${W - m.right}" y1="${py(t)}" y2="${py(t)}" stroke="#eee"/><text x="${m.left - 6}" y="${py(t) + 4}" text-anchor="end">${label(t)}</text>`);
  }
  parts.push(`<rect x="${m.left}" y="${m.top}" width="${W - m.left - m.right}" height="${H - m.top - m.bottom}" fill="none" stroke="#999"/>`);
  parts.push(`<text x="${W / 2}" y="${H - 8}" text-anchor="middle">${escapeXml(opts.xLabel)}</text>`);
  parts.push(`<text transform="translate(14 ${H / 2}) rotate(-90)" text-anchor="middle">${escapeXml(opts.yLabel)}</text>`);
  for (const r of refs) {
    if (opts.logY && r.y <= 0) continue;
    parts.push(`<line x1="${m.left}" x2="${W - m.right}" y1="${py(r.y)}" y2="${py(r.y)}" stroke="#555" stroke-dasharray="4 3"/><text x="${W - m.right - 4}" y="${py(r.y) - 4}" text-anchor="end" fill="#555">${escapeXml(r.label)}</text>`);
  }
  series.forEach((s, i) => {
    const color = s.color ?? PALETTE[i % PALETTE.length];
    const d = s.points
      .filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y) && (!opts.logX || x > 0) && (!opts.logY || y > 0))
      .map(([x, y], k) => `${k === 0 ? 'M' : 'L'}${px(x).toFixed(1)},${py(y).toFixed(1)}`)
      .join('');
    parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="1.5"${s.dashed ? ' stroke-dasharray="5 3"' : ''}/>`);
    parts.push(`<rect x="${m.left + 8}" y="${m.top + 6 + i * 14}" width="10" height="3" fill="${color}"/><text x="${m.left + 22}" y="${m.top + 11 + i * 14}">${escapeXml(s.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}
