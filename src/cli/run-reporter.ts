// CLI: shows a run on the console. Run events become view events here (whole masked output
// lines, docker's repeated legacy-builder banner dropped, masked commands and errors), and go
// to one view — plain lines, the live terminal view, or a view that wraps plain lines (CI) —
// and to the failure tails printed when the run failed.

import type { RunEvent } from '../run/events.js';
import type { RunOutcome } from '../run/execute-run.js';
import { createMasker, type Masker } from '../record/masker.js';
import { createOutputLineSplitter, type OutputLine } from '../record/output-lines.js';
import { formatCommand } from './format-command.js';
import { createBannerFilter } from './view/legacy-builder-banner.js';
import { createFailureTails, type FailedStep } from './view/failure-report.js';
import type { RunView, ViewEvent } from './view/view-events.js';

export interface RunReporter {
  readonly onEvent: (event: RunEvent) => void;
  /** A line from taskrun itself while the run goes on, shown by the view (it may be drawing). */
  readonly notice: (text: string) => void;
  /** Ends the view; returns the failed steps with their last output lines. */
  readonly finish: (outcome: RunOutcome) => readonly FailedStep[];
}

export function createRunReporter(input: { view: RunView; masker?: Masker }): RunReporter {
  const masker = input.masker ?? createMasker([]);
  const splitter = createOutputLineSplitter(masker);
  const banner = createBannerFilter();
  const tails = createFailureTails();
  const emit = (event: ViewEvent) => {
    tails.onEvent(event);
    input.view.onEvent(event);
  };
  const emitLines = (lines: readonly OutputLine[], time: number) => {
    for (const line of lines) {
      if (banner.keep(line)) emit({ type: 'output-line', stepId: line.stepId, stream: line.stream, text: line.text, time });
    }
  };
  const toView = (event: RunEvent): ViewEvent | undefined => {
    switch (event.type) {
      case 'run-start':
        return { type: 'run-start', time: event.time, stepIds: event.stepIds };
      case 'step-start':
        return {
          type: 'step-start',
          stepId: event.stepId,
          kind: event.kind,
          time: event.time,
          attempt: event.attempt,
          ...(event.command && event.command.length > 0 && { commandLine: masker.mask(formatCommand(event.command)) }),
        };
      case 'step-retry':
        return { ...event, reason: masker.mask(event.reason) };
      case 'step-end':
        return event.error === undefined ? event : { ...event, error: masker.mask(event.error) };
      case 'warning':
        return { ...event, message: masker.mask(event.message) };
      default:
        return undefined;
    }
  };
  return {
    onEvent(event) {
      if (event.type === 'step-output') return emitLines(splitter.push(event), event.time);
      if (event.type === 'step-end') {
        emitLines(splitter.flush(event.stepId), event.time);
        banner.endStep(event.stepId);
      }
      const viewEvent = toView(event);
      if (viewEvent) emit(viewEvent);
    },
    notice(text) {
      emit({ type: 'notice', text: masker.mask(text), time: Date.now() });
    },
    finish(outcome) {
      emitLines(splitter.flushAll(), Date.now());
      input.view.finish(masker.maskValue(outcome));
      return tails.failures();
    },
  };
}
