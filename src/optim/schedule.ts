// Learning-rate schedules as multipliers of each group's base lr (torch's LambdaLR pattern).
//
// A schedule is a function `(step) => factor` of the number of optimizer steps already taken:
// the k-th update (k = 1, 2, …) runs with lr = base · factor(k − 1). `LRScheduler` applies
// factor(0) when it is built and factor(k) after `step()` has been called k times, so the
// training loop is: optimizer.step(); scheduler.step().
//
//   constantSchedule():  1
//   linearWarmup(w):     min(1, step/w)
//   cosineWithWarmup({ warmupSteps: w, totalSteps: T, minLrRatio: r }):
//     step < w:  step/w
//     else:      r + (1 − r)·½(1 + cos(π·q)),  q = min(1, (step − w)/(T − w))
//   so the factor is 0 at step 0, 1 at step w, r at step T and stays r afterwards.
//
// The warmup is the reference's: the state-spaces training code (whose configs the LRA
// experiments use) builds its `cosine_warmup` and `constant_warmup` schedules with
// transformers' get_cosine_schedule_with_warmup / get_constant_schedule_with_warmup, whose
// factor is step/max(1, w). The first update therefore runs at lr 0 (it still advances AdamW's
// step count and moments), and the update at step w is the first at the full lr. Two
// differences remain, both past the end of training as the reference configures it: transformers
// has no floor r (ours defaults to 0, the same), and its cosine rises again after step T, where
// ours holds r.

export type Schedule = (step: number) => number;

function checkSteps(who: string, name: string, n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${who}: ${name} must be a non-negative integer, got ${n}`);
}

export function constantSchedule(): Schedule {
  return () => 1;
}

export function linearWarmup(warmupSteps: number): Schedule {
  checkSteps('linearWarmup', 'warmupSteps', warmupSteps);
  return (step) => (step < warmupSteps ? step / warmupSteps : 1);
}

export function cosineWithWarmup(opts: { warmupSteps: number; totalSteps: number; minLrRatio?: number }): Schedule {
  const { warmupSteps, totalSteps } = opts;
  const minLrRatio = opts.minLrRatio ?? 0;
  checkSteps('cosineWithWarmup', 'warmupSteps', warmupSteps);
  checkSteps('cosineWithWarmup', 'totalSteps', totalSteps);
  if (totalSteps < warmupSteps) throw new RangeError(`cosineWithWarmup: totalSteps ${totalSteps} is less than warmupSteps ${warmupSteps}`);
  if (!(minLrRatio >= 0 && minLrRatio <= 1)) throw new RangeError(`cosineWithWarmup: minLrRatio must be in [0, 1], got ${minLrRatio}`);
  return (step) => {
    if (step < warmupSteps) return step / warmupSteps;
    const progress = Math.min(1, (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps));
    return minLrRatio + (1 - minLrRatio) * 0.5 * (1 + Math.cos(Math.PI * progress));
  };
}

/** What a scheduler needs of an optimizer: groups with a settable lr. */
export interface HasParamGroups {
  readonly paramGroups: { lr: number }[];
}

export interface LRSchedulerState {
  lastStep: number;
  baseLrs: number[];
}

/** Sets each group's lr to its base lr (the lr at construction) times the schedule's factor. */
export class LRScheduler {
  readonly optimizer: HasParamGroups;
  readonly schedule: Schedule;
  /** The groups' lr when the scheduler was built. */
  baseLrs: number[];
  /** How many times step() has been called. */
  lastStep = 0;

  constructor(optimizer: HasParamGroups, schedule: Schedule) {
    if (optimizer === null || typeof optimizer !== 'object' || !Array.isArray(optimizer.paramGroups)) {
      throw new TypeError('LRScheduler: expected an optimizer with paramGroups');
    }
    if (typeof schedule !== 'function') throw new TypeError('LRScheduler: the schedule must be a function (step) => factor');
    this.optimizer = optimizer;
    this.schedule = schedule;
    this.baseLrs = optimizer.paramGroups.map((g) => g.lr);
    this.#apply();
  }

  /** Advance one step and set the groups' lr for the next update. */
  step(): void {
    this.lastStep += 1;
    this.#apply();
  }

  /** The lr of each group now. */
  getLastLr(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }

  stateDict(): LRSchedulerState {
    return { lastStep: this.lastStep, baseLrs: [...this.baseLrs] };
  }

  loadStateDict(state: LRSchedulerState): void {
    if (!Number.isInteger(state?.lastStep) || state.lastStep < 0) throw new RangeError(`LRScheduler.loadStateDict: lastStep must be a non-negative integer, got ${String(state?.lastStep)}`);
    if (!Array.isArray(state.baseLrs) || state.baseLrs.length !== this.optimizer.paramGroups.length) {
      throw new RangeError(`LRScheduler.loadStateDict: ${Array.isArray(state.baseLrs) ? state.baseLrs.length : 'no'} base lrs for ${this.optimizer.paramGroups.length} groups`);
    }
    this.lastStep = state.lastStep;
    this.baseLrs = [...state.baseLrs];
    this.#apply();
  }

  #apply(): void {
    const factor = this.schedule(this.lastStep);
    if (!(Number.isFinite(factor) && factor >= 0)) throw new RangeError(`LRScheduler: the schedule gave ${factor} at step ${this.lastStep}; expected a finite factor ≥ 0`);
    this.optimizer.paramGroups.forEach((g, i) => (g.lr = this.baseLrs[i] * factor));
  }
}
