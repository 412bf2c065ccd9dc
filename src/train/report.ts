// The training report: one self-contained HTML page (inline SVG, no scripts, no network) with
// the loss and metric curves, and every sequence layer's learned convolution kernel on a
// log-length axis, where SGConv's multiscale decay shows as in Figure 2 of the SGConv paper.

import { escapeXml, lineChart, type Series } from './svg.js';

export interface CurvePoint {
  step: number;
  loss: number;
  /** Accuracy (classification), or another metric named by `metricName`. */
  metric?: number;
}

export interface KernelPlot {
  /** Layer name, e.g. `layers.0.mixer`. */
  name: string;
  /** One or more channels' kernels (each a sequence of taps k_0, k_1, …). */
  channels: readonly ArrayLike<number>[];
}

export interface ReportInput {
  title: string;
  config: Record<string, unknown>;
  train: readonly CurvePoint[];
  eval: readonly CurvePoint[];
  metricName?: string;
  baseline?: { loss: number; label: string };
  kernels: readonly KernelPlot[];
  summary: Record<string, string | number>;
}

/** Mean |k_l| over channels, at lags l + 1 (for a log axis), skipping exact zeros. */
export function kernelProfile(channels: readonly ArrayLike<number>[]): [number, number][] {
  if (channels.length === 0) return [];
  const length = Math.max(...channels.map((c) => c.length));
  const out: [number, number][] = [];
  for (let l = 0; l < length; l++) {
    let s = 0;
    let n = 0;
    for (const c of channels) if (l < c.length) { s += Math.abs(c[l]); n++; }
    if (n > 0 && s > 0) out.push([l + 1, s / n]);
  }
  return out;
}

export function renderReport(r: ReportInput): string {
  const metric = r.metricName ?? 'accuracy';
  const lossChart = lineChart(
    [
      { name: 'train loss', points: r.train.map((p) => [p.step, p.loss]) },
      { name: 'eval loss', points: r.eval.map((p) => [p.step, p.loss]), dashed: true },
    ],
    { title: 'Loss', xLabel: 'step', yLabel: 'loss', logY: r.train.every((p) => p.loss > 0), references: r.baseline ? [{ y: r.baseline.loss, label: r.baseline.label }] : [] },
  );
  const metricSeries: Series[] = [
    { name: `train ${metric}`, points: r.train.filter((p) => p.metric !== undefined).map((p) => [p.step, p.metric!]) },
    { name: `eval ${metric}`, points: r.eval.filter((p) => p.metric !== undefined).map((p) => [p.step, p.metric!]), dashed: true },
  ];
  const metricChart = metricSeries.some((s) => s.points.length > 0)
    ? lineChart(metricSeries, { title: metric, xLabel: 'step', yLabel: metric })
    : '';
  const kernelCharts = r.kernels.map((k) => lineChart(
    [{ name: `mean |k| over ${k.channels.length} channels`, points: kernelProfile(k.channels) }],
    { title: `${k.name}: learned kernel`, xLabel: 'lag + 1 (log scale)', yLabel: '|k|', logX: true, logY: true, height: 260 },
  ));
  const rows = (o: Record<string, unknown>): string => Object.entries(o)
    .map(([key, v]) => `<tr><th>${escapeXml(key)}</th><td>${escapeXml(typeof v === 'string' ? v : JSON.stringify(v))}</td></tr>`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeXml(r.title)}</title>
<style>
body { font-family: sans-serif; max-width: 1340px; margin: 24px auto; color: #222; }
h1 { font-size: 22px; } h2 { font-size: 17px; margin-top: 28px; }
table { border-collapse: collapse; font-size: 13px; } th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: left; }
.charts { display: flex; flex-wrap: wrap; gap: 12px; }
</style></head>
<body>
<h1>${escapeXml(r.title)}</h1>
<h2>Summary</h2>
<table>${rows(r.summary)}</table>
<h2>Curves</h2>
<div class="charts">${lossChart}${metricChart}</div>
<h2>Learned kernels</h2>
${kernelCharts.length > 0 ? `<p>Mean absolute tap value against lag, both on log scales: a straight falling line is a power-law decay.</p><div class="charts">${kernelCharts.join('\n')}</div>` : '<p>This model has no convolution kernels to show.</p>'}
<h2>Configuration</h2>
<table>${rows(r.config)}</table>
</body></html>
`;
}
