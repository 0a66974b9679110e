// Task stage, the second half of prepareTask (prepare.ts): parse the rendered text, then check
// the task against the values, the secrets, the image map and the build inputs. prepare.ts loads
// it on demand: `render` stops before it, and it holds the YAML parser, the schema and the rules.

import { InputError, type Diagnostic, error, warning } from '../diagnostics.js';
import type { SourceText } from '../source-text.js';
import { describeInactiveAliasBlock } from '../load/apply-aliases.js';
import type { TemplateData } from '../template/data.js';
import { checkBuildInputs } from './build-inputs.js';
import { applyImageMap, parseImageMapFlags, readImageMapFile } from './image-map.js';
import { parseTask } from './parse-task.js';
import { checkSecretsOnCommandLines } from './secret-arguments.js';
import type { Task } from './types.js';
import { checkValuesKeepStructure } from './value-structure.js';

export interface ParseAndCheckInput {
  /** The text templates were rendered from, and what they rendered. */
  readonly template: SourceText;
  readonly rendered: SourceText;
  readonly aliases?: ReadonlyMap<string, string>;
  readonly data: TemplateData;
  readonly contextDir: string;
  readonly secrets: Readonly<Record<string, string>>;
  readonly requireSecrets: boolean;
  readonly imageMap: readonly string[];
  readonly imageMapFiles: readonly string[];
  /** Where the findings go. */
  readonly diagnostics: Diagnostic[];
}

/** The task with its images mapped; undefined when it does not parse or its image map fails. */
export async function parseAndCheck(input: ParseAndCheckInput): Promise<Task | undefined> {
  const { rendered, aliases, diagnostics } = input;
  const parsed = parseTask({ source: rendered, ...(aliases && { aliases }) });
  diagnostics.push(...parsed.diagnostics);
  // Only a file that parses has a structure a value could change.
  if (parsed.task) diagnostics.push(...checkValuesKeepStructure({ text: input.template, data: input.data, rendered }));
  const inactiveAliases = !aliases && parsed.task?.version === 'v1.1.0' ? describeInactiveAliasBlock(rendered) : undefined;
  if (inactiveAliases) diagnostics.push(inactiveAliases);
  if (!parsed.task) return undefined;
  diagnostics.push(...checkSecretsSupplied(parsed.task, input.secrets, input.requireSecrets));
  diagnostics.push(...checkSecretsOnCommandLines(parsed.task, input.secrets));
  const mapped = await mapImages(parsed.task, input);
  diagnostics.push(...(await checkBuildInputs(parsed.task, input.contextDir)));
  return mapped;
}

async function mapImages(task: Task, input: ParseAndCheckInput): Promise<Task | undefined> {
  const { diagnostics } = input;
  try {
    const fromFiles = await Promise.all(input.imageMapFiles.map(readImageMapFile));
    const applied = applyImageMap(task, [...parseImageMapFlags(input.imageMap), ...fromFiles.flat()]);
    diagnostics.push(...applied.diagnostics);
    return applied.task;
  } catch (caught) {
    if (!(caught instanceof InputError)) throw caught;
    diagnostics.push(...caught.diagnostics);
    return undefined;
  }
}

// ACR fetches `secrets:` from Key Vault; locally each one must come from --secret/--secret-env.
function checkSecretsSupplied(task: Task, supplied: Readonly<Record<string, string>>, isRequired: boolean): Diagnostic[] {
  const report = isRequired ? error : warning;
  return task.secrets
    .filter((secret) => !(secret.id in supplied))
    .map((secret) =>
      report(
        'secret-not-supplied',
        `secret \`${secret.id}\` is not supplied (on ACR it comes from ${secret.keyvault ? `Key Vault ${secret.keyvault}` : 'a managed identity'})`,
        secret.location,
        `pass it with --secret ${secret.id}=VALUE or --secret-env ${secret.id}=ENV_VAR`,
      ),
    );
}
