// CLI view: which view a run gets. The seam between output modes: each mode is one RunView
// factory; `plain` is the simple line writer the others may wrap (CI groups), `live` is the
// terminal view. `-q` and the JSON modes use plain lines in their quiet form.

import type { CiKind } from '../ci/ci-kind.js';
import { createCiStepGroups } from './ci-groups.js';
import type { ProgressMode } from '../run-options.js';
import { createLiveView, type TerminalScreen } from './live-view.js';
import { createPlainView } from './plain-view.js';
import { NO_COLOURS, paletteFor } from './terminal-text.js';
import type { RunView } from './view-events.js';

export type ViewMode = 'plain' | 'live' | 'ci';

/** The stream a run's view writes to. */
export interface ViewStream {
  readonly write: (text: string) => void;
  readonly isTty: boolean;
  readonly columns?: () => number | undefined;
  readonly rows?: () => number | undefined;
  readonly onResize?: (callback: () => void) => () => void;
}

export interface ViewSettings {
  readonly stream: ViewStream;
  readonly env: NodeJS.ProcessEnv;
  readonly progress: ProgressMode;
  readonly quiet: boolean;
  /** From the plan: steps can run in parallel, so output lines carry `[id]`. */
  readonly prefixIds: boolean;
  /** The plan's steps with their labels (masked), in plan order. */
  readonly steps: readonly { readonly id: string; readonly label: string }[];
  /** The CI service whose log this is (`--ci`, or detected): plain lines folded per step. */
  readonly ci?: CiKind;
  /** Hides secret values in what a view writes of its own (a CI annotation's message). */
  readonly mask?: (text: string) => string;
}

/** Width plain lines are cut to when the stream is no terminal (a CI log, a file). */
export const PLAIN_WIDTH = 160;
const FALLBACK_COLUMNS = 80;
const FALLBACK_ROWS = 24;

export function chooseViewMode(settings: Pick<ViewSettings, 'stream' | 'env' | 'progress' | 'quiet' | 'ci'>): ViewMode {
  // A CI log is no terminal, whatever it claims.
  if (settings.ci) return 'ci';
  if (settings.quiet || settings.progress === 'plain') return 'plain';
  if (settings.progress === 'tty') return 'live';
  return settings.stream.isTty && settings.env.TERM !== 'dumb' ? 'live' : 'plain';
}

export function createRunView(mode: ViewMode, settings: ViewSettings): RunView {
  const { stream } = settings;
  const palette = paletteFor({ isTty: stream.isTty, env: settings.env });
  const columns = () => stream.columns?.() || Number(settings.env.COLUMNS) || FALLBACK_COLUMNS;
  switch (mode) {
    case 'live': {
      const screen: TerminalScreen = {
        write: stream.write,
        columns,
        rows: () => stream.rows?.() || Number(settings.env.LINES) || FALLBACK_ROWS,
        onResize: stream.onResize ?? (() => () => undefined),
      };
      return createLiveView({ screen, palette, steps: settings.steps });
    }
    case 'plain':
      return createPlainView({
        write: stream.write,
        prefixIds: settings.prefixIds,
        quiet: settings.quiet,
        palette: stream.isTty ? palette : NO_COLOURS,
        width: stream.isTty ? columns() : PLAIN_WIDTH,
        labels: new Map(settings.steps.map((step) => [step.id, step.label])),
      });
    case 'ci': {
      if (!settings.ci) throw new Error('the ci view needs the CI service');
      const groups = createCiStepGroups({ kind: settings.ci, write: stream.write, mask: settings.mask ?? ((text) => text) });
      return groups.around(
        createPlainView({
          write: groups.write,
          prefixIds: settings.prefixIds,
          quiet: settings.quiet,
          palette: NO_COLOURS,
          width: PLAIN_WIDTH,
          labels: new Map(settings.steps.map((step) => [step.id, step.label])),
        }),
      );
    }
  }
}
