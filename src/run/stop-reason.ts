// Stage 5, execute: why a step's or the run's AbortSignal fired, carried as the signal's reason.

export type StopReason =
  | { readonly kind: 'cancelled' }
  | { readonly kind: 'run-timeout'; readonly seconds: number }
  | { readonly kind: 'step-failed'; readonly stepId: string }
  | { readonly kind: 'step-timeout'; readonly seconds: number };

export function isStopReason(value: unknown): value is StopReason {
  return typeof value === 'object' && value !== null && 'kind' in value;
}

export function stopReasonOf(signal: AbortSignal): StopReason {
  return isStopReason(signal.reason) ? signal.reason : { kind: 'cancelled' };
}

/** A controller that aborts with the parent's reason when the parent aborts; `dispose` detaches it. */
export function childController(parent: AbortSignal): { controller: AbortController; dispose: () => void } {
  const controller = new AbortController();
  const forward = () => controller.abort(parent.reason);
  if (parent.aborted) forward();
  else parent.addEventListener('abort', forward, { once: true });
  return { controller, dispose: () => parent.removeEventListener('abort', forward) };
}
