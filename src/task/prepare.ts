// Stages 1–3 wired together in ACR's order (acb-spec §0): read → strip comment lines →
// (v1.1.0: render the alias block, substitute aliases) → render the whole text →
// parse + validate + normalise. Collects every diagnostic; throws InputError when any is an error.

import { stat } from '../sync-fs.js';
import path from 'node:path';
import { applyStrict, hasErrors, InputError, sortDiagnostics, error, type Diagnostic } from '../diagnostics.js';
import { fromOriginal, locate, type SourceText } from '../source-text.js';
import { describeInvalidUtf8 } from '../load/go-bytes.js';
import { stripCommentLines } from '../load/comment-lines.js';
import { readTaskFile } from '../load/read-task-file.js';
import { detectGitInfo, resolveRunVars, type RunVarFlags } from '../load/run-vars.js';
import { mergeValues, parseSetFlags } from '../load/set-values.js';
import { isAliasVersion, sniffVersion } from '../load/version-sniff.js';
import type { RunVars, TemplateData, Values } from '../template/data.js';
import { buildTemplateData, renderTemplate } from '../template/render.js';
import type { Task } from './types.js';

export const DEFAULT_REGISTRY = 'localhost:5000';

export interface PrepareInput {
  /** The task file; with `text`, only the name messages give it (`-` for stdin, `--cmd`). */
  readonly file: string;
  /** The task's text, when it is not read from `file`. */
  readonly text?: string;
  readonly runId: string;
  readonly registry?: string;
  readonly valuesFiles?: readonly string[];
  readonly set?: readonly string[];
  /** `--commit`, `--branch`, … as given; they win over what git and CI variables say. */
  readonly runVarFlags?: RunVarFlags;
  /** The build context and `/workspace` of cmd steps; default: the task file's folder. */
  readonly contextDir?: string;
  readonly strict?: boolean;
  /** `--image-map FROM=TO` items, then `--image-map-file` files (later ones win). */
  readonly imageMap?: readonly string[];
  readonly imageMapFiles?: readonly string[];
  /** Alias `src` files may be outside the task's folder and the context folder. */
  readonly allowOutsideContext?: boolean;
  /** `.Secrets.<id>` values supplied by `--secret` / `--secret-env`. */
  readonly secrets?: Readonly<Record<string, string>>;
  /** `run` needs every secret the task declares; the other commands only warn. */
  readonly requireSecrets?: boolean;
  readonly now?: Date;
  readonly env?: NodeJS.ProcessEnv;
}

export interface PreparedTask {
  readonly task: Task;
  /** The text the YAML parser saw, with line origins. */
  readonly rendered: SourceText;
  readonly runVars: RunVars;
  readonly contextDir: string;
  /** Warnings only (errors throw). */
  readonly diagnostics: readonly Diagnostic[];
}

/** Stages 1–2 only: what `taskrun render` shows. */
export interface RenderedTask {
  /** Present when loading and templating worked. */
  readonly rendered?: SourceText;
  /** Sorted, `--strict` applied: may hold errors. */
  readonly diagnostics: readonly Diagnostic[];
}

// `render` stops after templating, as ACR's `acb render` does: the text is what it shows, and
// YAML, schema and rules are `validate`'s job (parsing 1,000 steps would triple its time).
export async function renderTask(input: PrepareInput): Promise<RenderedTask> {
  const diagnostics: Diagnostic[] = [];
  const stages = await runTextStages(input, diagnostics);
  const final = sortDiagnostics(applyStrict(diagnostics, input.strict ?? false));
  return { ...(stages && { rendered: stages.rendered }), diagnostics: final };
}

export async function prepareTask(input: PrepareInput): Promise<PreparedTask> {
  const diagnostics: Diagnostic[] = [];
  const finish = (): Diagnostic[] => sortDiagnostics(applyStrict(diagnostics, input.strict ?? false));
  const stages = await runTextStages(input, diagnostics);
  if (!stages) throw new InputError(finish());
  const { rendered, aliases, data, contextDir } = stages;
  // `render` shows such a byte as acb does, but ACR's YAML parser refuses it.
  const invalidUtf8 = describeInvalidUtf8(rendered, { code: 'invalid-utf8', what: 'the task' });
  if (invalidUtf8) throw new InputError(sortDiagnostics(applyStrict([...diagnostics, invalidUtf8], input.strict ?? false)));
  // Loaded here, not at the top: `render` stops before parsing, and the YAML parser, the schema's
  // validators and the rules are most of what validate adds to its start-up.
  const { parseAndCheck } = await import('./parse-and-check.js');
  const mapped = await parseAndCheck({
    template: stages.template,
    rendered,
    ...(aliases && { aliases }),
    data,
    contextDir,
    secrets: input.secrets ?? {},
    requireSecrets: input.requireSecrets ?? false,
    imageMap: input.imageMap ?? [],
    imageMapFiles: input.imageMapFiles ?? [],
    diagnostics,
  });
  const final = finish();
  if (hasErrors(final) || !mapped) throw new InputError(final);
  return { task: mapped, rendered, runVars: data.Run, contextDir, diagnostics: final };
}

interface TextStages {
  /** The text templates were rendered from (after comment lines and aliases). */
  readonly template: SourceText;
  readonly rendered: SourceText;
  readonly aliases?: ReadonlyMap<string, string>;
  readonly data: TemplateData;
  readonly contextDir: string;
}

// Read → strip comment lines → (v1.1.0) aliases → render; undefined once a stage reported an error.
async function runTextStages(input: PrepareInput, diagnostics: Diagnostic[]): Promise<TextStages | undefined> {
  const contextDir = path.resolve(input.contextDir ?? path.dirname(input.file));
  // Reading the file, the values and the context are independent: report the problems of all at once.
  const [read, data] = await Promise.all([
    (input.text !== undefined ? Promise.resolve(fromOriginal(input.file, input.text)) : readTaskFile(input.file)).then(
      (source) => ({ source }),
      (caught: unknown) => {
        if (!(caught instanceof InputError)) throw caught;
        diagnostics.push(...caught.diagnostics);
        return { source: undefined };
      },
    ),
    buildData(input, contextDir, diagnostics),
    input.contextDir === undefined ? undefined : checkContextDir(input.contextDir, diagnostics),
  ]);
  const original = read.source;
  if (hasErrors(diagnostics) || !data || !original) return undefined;

  const stripped = stripCommentLines(original);
  let text = stripped;
  let aliases: ReadonlyMap<string, string> | undefined;
  if (isAliasVersion(sniffVersion(stripped.text))) {
    // Loaded for v1.1.0 files only: alias blocks need the YAML parser, templates alone do not.
    const { applyAliases } = await import('../load/apply-aliases.js');
    const applied = await applyAliases({
      source: stripped,
      data,
      // As the user named it: messages then name src files the way they would find them.
      taskDir: path.dirname(input.file),
      os: data.Run.OS === 'windows' ? 'windows' : 'linux',
      srcScope: input.allowOutsideContext ? 'anywhere' : { allowedDirs: [path.dirname(path.resolve(input.file)), contextDir] },
    });
    diagnostics.push(...applied.diagnostics);
    if (!applied.source) return undefined;
    aliases = applied.aliases;
    text = applied.source;
  }

  const rendered = renderTemplate(text, data);
  diagnostics.push(...rendered.diagnostics);
  if (!rendered.source) return undefined;
  // ACR refuses a file whose templates render it to nothing at all.
  if (rendered.source.text === '' && text.text !== '') {
    diagnostics.push(error('template-empty', 'the file renders to nothing (ACR: rendered template was empty)', locate(rendered.source, 1, 1), 'check the conditions of the template actions around the steps'));
    return undefined;
  }
  return { template: text, rendered: rendered.source, ...(aliases && { aliases }), data, contextDir };
}


// A wrong --context would otherwise surface as a build that cannot start, or as an empty
// folder the engine creates on the host for the /workspace mount.
async function checkContextDir(contextDir: string, diagnostics: Diagnostic[]): Promise<void> {
  const info = await stat(contextDir).catch(() => undefined);
  if (info?.isDirectory()) return;
  const problem = info ? 'is not a folder' : 'does not exist';
  diagnostics.push(error('context-not-found', `--context ${contextDir} ${problem}`, undefined, 'give the folder that holds the build context (default: the task file\'s folder)'));
}

async function buildData(input: PrepareInput, contextDir: string, diagnostics: Diagnostic[]): Promise<TemplateData | undefined> {
  const env = input.env ?? process.env;
  const setFlags = parseSetFlags(input.set ?? []);
  const flags = input.runVarFlags ?? {};
  // git is asked only for what the flags leave open.
  const needsGit = flags.commit === undefined || flags.branch === undefined;
  const [fromFiles, git] = await Promise.all([
    loadValues(input.valuesFiles ?? []),
    needsGit ? detectGitInfo({ dir: contextDir, env }) : Promise.resolve({}),
  ]);
  diagnostics.push(...setFlags.diagnostics, ...fromFiles.diagnostics);
  if (hasErrors(diagnostics)) return undefined;
  const run = resolveRunVars({
    registry: input.registry ?? DEFAULT_REGISTRY,
    runId: input.runId,
    now: input.now ?? new Date(),
    // `/workspace` is the context folder, bind-mounted: a host `docker run -v {{.Run.SharedVolume}}:/workspace` sees the same files.
    flags: { ...flags, sharedVolume: flags.sharedVolume ?? contextDir },
    git,
  });
  return buildTemplateData({ run, values: mergeValues(fromFiles.values, setFlags.values), secrets: input.secrets ?? {} });
}

// The YAML parser is loaded for values files only: most renders have none.
async function loadValues(files: readonly string[]): Promise<{ values: Values; diagnostics: Diagnostic[] }> {
  if (files.length === 0) return { values: {}, diagnostics: [] };
  const { loadValuesFiles } = await import('../load/values.js');
  return loadValuesFiles(files);
}

