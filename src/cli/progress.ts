// Progress lines while training: step, loss, metric, learning rate, tokens per second and the
// time left. On a terminal the current line updates in place; otherwise (CI, a log file) one
// line is printed every 5% of the run, so logs stay short.

import { type Task } from '../train/tasks.js';

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

export class Progress {
  private readonly tty = process.stdout.isTTY === true;
  private readonly started = performance.now();
  private readonly firstStep: number;
  private lossAvg = NaN;
  private metricAvg = NaN;
  private lastPrinted = 0;

  constructor(
    private readonly totalSteps: number,
    startStep: number,
    private readonly task: Task,
    private readonly tokensPerStep: number,
    private readonly quiet: boolean,
  ) {
    this.firstStep = startStep;
  }

  /** Exponential moving averages (over ~20 steps) keep the printed numbers readable. */
  update(step: number, loss: number, metric: number, lr: number): void {
    const a = Number.isNaN(this.lossAvg) ? 1 : 0.1;
    this.lossAvg = a * loss + (1 - a) * (Number.isNaN(this.lossAvg) ? 0 : this.lossAvg);
    this.metricAvg = a * metric + (1 - a) * (Number.isNaN(this.metricAvg) ? 0 : this.metricAvg);
    if (this.quiet) return;
    const done = step - this.firstStep;
    const elapsed = (performance.now() - this.started) / 1000;
    const perStep = elapsed / Math.max(1, done);
    const line = `step ${String(step).padStart(String(this.totalSteps).length)}/${this.totalSteps}  loss ${this.lossAvg.toFixed(4)}  ${this.task.metricName} ${this.metricAvg.toFixed(4)}  lr ${lr.toExponential(1)}  ${Math.round(this.tokensPerStep / perStep).toLocaleString('en-US')} tok/s  ETA ${formatDuration(perStep * (this.totalSteps - step))}`;
    const every = Math.max(1, Math.round(this.totalSteps / 20));
    if (this.tty) {
      process.stdout.write(`\r${line}\x1b[K`);
    } else if (step - this.lastPrinted >= every || step === this.totalSteps) {
      console.log(line);
      this.lastPrinted = step;
    }
  }

  evaluation(step: number, loss: number, metric: number): void {
    if (this.quiet) return;
    const text = `  eval @ ${step}: loss ${loss.toFixed(4)}  ${this.task.metricName} ${metric.toFixed(4)}${this.task.baseline ? `  (baseline loss ${this.task.baseline.loss.toFixed(4)})` : ''}`;
    if (this.tty) process.stdout.write(`\r${text}\x1b[K\n`);
    else console.log(text);
  }

  finish(): void {
    if (this.tty && !this.quiet) process.stdout.write('\n');
  }
}
