// Whether ops record the graph. Off inside `noGrad`, and while a backward pass runs without
// `createGraph` (the VJPs are ordinary ops, and their results need no graph of their own then).

let enabled = true;

export function isGradEnabled(): boolean {
  return enabled;
}

/** Run `fn` with graph recording switched to `on`, restoring the previous mode afterwards. */
export function withGradMode<T>(on: boolean, fn: () => T): T {
  const previous = enabled;
  enabled = on;
  try {
    return fn();
  } finally {
    enabled = previous;
  }
}

/** Run `fn` without recording: results have no `gradFn` and do not require grad. */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, fn);
}

/** Run `fn` with recording on, even inside `noGrad`. */
export function enableGrad<T>(fn: () => T): T {
  return withGradMode(true, fn);
}
