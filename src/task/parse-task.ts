// Stage 3, parse + validate: the rendered task text → the normalised Task, with every
// diagnostic of the file at once (YAML, schema, unknown keys, rules, env merge, lint).

import { hasErrors, sortDiagnostics } from '../diagnostics.js';
import type { Diagnostic } from '../diagnostics.js';
import type { SourceText } from '../source-text.js';
import { lintTask } from './lint.js';
import { normalizeTask, normalizeVersion } from './normalize.js';
import { parseYaml } from './parse-yaml.js';
import { checkRules, ruleStepsOf } from './rules.js';
import { checkKeys, fieldTypeAt, validateSchema } from './schema.js';
import { DEFAULT_TASK_VERSION } from './types.js';
import type { Task } from './types.js';
import { readString } from './written.js';

export interface ParseTaskInput {
  readonly source: SourceText;
  /**
   * Aliases in effect (v1.1.0 files): a `cmd` whose first word is an alias name gets it
   * replaced by the alias value (acb-spec §3.5).
   */
  readonly aliases?: ReadonlyMap<string, string>;
}

export interface ParseTaskResult {
  /** Present iff no diagnostic is an error. */
  readonly task?: Task;
  /** In file order (see `sortDiagnostics`). */
  readonly diagnostics: readonly Diagnostic[];
}

export function parseTask(input: ParseTaskInput): ParseTaskResult {
  const { source } = input;
  // Field types are read from the newest schema: it is a superset of the older ones.
  const parsed = parseYaml({ source, typeAt: (path) => fieldTypeAt('v1.1.0', path) });
  const { document } = parsed;
  // After a syntax error the tree is a guess, and a root that is not a mapping holds no keys:
  // checking either would only add noise such as "no steps" (ACR stops there too).
  // Past a limit (`task-limit`) the rest is not checked: that is what keeps a hostile file cheap.
  const stops = new Set(['yaml-syntax', 'not-a-mapping', 'task-limit']);
  if (parsed.diagnostics.some((d) => stops.has(d.code) && d.severity === 'error')) {
    return { diagnostics: sortDiagnostics(parsed.diagnostics) };
  }
  const version = normalizeVersion(readString(document.written.version) ?? '') ?? DEFAULT_TASK_VERSION;
  const normalized = normalizeTask({
    document,
    source,
    file: source.file,
    version,
    ...(input.aliases && { aliases: input.aliases }),
  });
  const rules = checkRules({ document, steps: ruleStepsOf(document) });
  const diagnostics = sortDiagnostics([
    ...parsed.diagnostics,
    ...validateSchema({ document, version }),
    ...withoutKnockOns(checkKeys({ document, version }), rules),
    ...rules,
    ...normalized.diagnostics,
    ...lintTask({ task: normalized.task, document, source }),
  ]);
  return hasErrors(diagnostics) ? { diagnostics } : { task: normalized.task, diagnostics };
}

// A step whose `bulid:` is its only kind gets one error that names the key; the key's own
// unknown-key warning would say it again.
function withoutKnockOns(keyFindings: readonly Diagnostic[], rules: readonly Diagnostic[]): Diagnostic[] {
  const at = (d: Diagnostic) => (d.location ? `${d.location.line}:${d.location.col}` : '');
  const kindErrors = new Set(rules.filter((d) => d.code === 'step-without-kind').map(at));
  return keyFindings.filter((d) => !(d.code === 'unknown-key' && kindErrors.has(at(d))));
}
