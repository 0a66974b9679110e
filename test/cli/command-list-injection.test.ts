// Values never become operators or commands of a `cmd` list: `;`, `&&`, `||`, `|`, `$(…)`,
// backticks and line breaks that come from --set, a --values file, a secret, a run variable or an
// alias value are passed to the step's container as text. Proven on real runs: no host command
// ran (no sentinel file, no volume from a `docker volume create` after the operator), the engine
// was given exactly one `run` per step (a shim writes down every engine command), and the
// container printed the value as it is.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabEnv } from '../../src/engine/lab-env.js';
import { homeKeyOf, runNamePrefix } from '../../src/engine/names.js';
import { runCli } from '../helpers/cli.js';
import { createEngineShim, flagValue, type EngineShim } from '../helpers/engine-shim.js';
import { cliEngineFor, labEngineFor, listVolumes, podmanCreatedContainers, requireLab, type EnginePath } from '../helpers/lab.js';
import { removeTempDirs, tempDir, uniqueId } from '../reliability/helpers.js';

let lab: LabEnv;
const shims: EngineShim[] = [];

beforeAll(async () => {
  lab = await requireLab();
});
afterAll(() => {
  removeTempDirs();
  for (const shim of shims.splice(0)) shim.remove();
});

interface Payload {
  readonly name: string;
  readonly value: string;
  /** What `busybox echo` prints when the value stays text. */
  readonly printed: string;
}

function payloadsFor(sentinel: string, volume: string): Payload[] {
  return [
    { name: 'semicolon', value: `x; touch ${sentinel}`, printed: `x; touch ${sentinel}` },
    { name: 'and', value: `x && docker volume create ${volume}`, printed: `x && docker volume create ${volume}` },
    { name: 'or', value: `x || docker volume create ${volume}`, printed: `x || docker volume create ${volume}` },
    { name: 'pipe', value: `x | touch ${sentinel}`, printed: `x | touch ${sentinel}` },
    { name: 'substitution', value: `$(touch ${sentinel})`, printed: `$(touch ${sentinel})` },
    { name: 'backticks', value: `\`touch ${sentinel}\``, printed: `\`touch ${sentinel}\`` },
    // In a literal block, where a written line break would separate commands.
    { name: 'newline', value: `x\ndocker volume create ${volume}`, printed: `x docker volume create ${volume}` },
  ];
}

type Source = 'set' | 'values' | 'secret' | 'run-variable' | 'alias';

const RUN_VARIABLES = [
  ['--branch', 'Branch'],
  ['--commit', 'Commit'],
  ['--repository', 'Repository'],
  ['--git-tag', 'GitTag'],
  ['--triggered-by', 'TriggeredBy'],
  ['--task-name', 'TaskName'],
  ['--os-version', 'OSVersion'],
] as const;

/** The task file and the flags that give step N the N-th payload from `source`. */
function taskFor(source: Source, payloads: readonly Payload[], dir: string): { text: string; args: string[] } {
  const reference = (index: number) => {
    switch (source) {
      case 'set':
      case 'values':
        return `{{.Values.p${index}}}`;
      case 'secret':
        return `{{.Secrets.p${index}}}`;
      case 'run-variable':
        return `{{.Run.${RUN_VARIABLES[index]![1]}}}`;
      case 'alias':
        return `$p${index}`;
    }
  };
  const steps = payloads.flatMap((payload, index) => {
    // One after another: podman under load can stall starting many containers at once.
    const head = [`  - id: p${index}`];
    if (payload.name !== 'newline') return [...head, `    cmd: busybox echo ${reference(index)}`];
    // The value's line breaks are indented into the block (an alias value carries its own indentation).
    const indented = source === 'alias' ? reference(index) : reference(index).replace(/\}\}$/, ' | indent 6 | trim}}');
    return [...head, '    cmd: |', `      busybox echo ${indented}`];
  });
  const lines: string[] = [];
  const args: string[] = [];
  if (source === 'alias') {
    lines.push('version: v1.1.0', 'alias:', '  values:');
    payloads.forEach((payload, index) => lines.push(`    p${index}: ${JSON.stringify(payload.name === 'newline' ? payload.value.replace('\n', '\n      ') : payload.value)}`));
  }
  if (source === 'secret') {
    lines.push('secrets:');
    payloads.forEach((payload, index) => {
      lines.push(`  - id: p${index}`, '    keyvault: https://vault.example/secrets/p');
      args.push('--secret', `p${index}=${payload.value}`);
    });
  }
  if (source === 'set') payloads.forEach((payload, index) => args.push('--set', `p${index}=${payload.value}`));
  if (source === 'values') {
    const file = path.join(dir, 'values.yaml');
    writeFileSync(file, payloads.map((payload, index) => `p${index}: ${JSON.stringify(payload.value)}`).join('\n'));
    args.push('--values', file);
  }
  if (source === 'run-variable') payloads.forEach((payload, index) => args.push(RUN_VARIABLES[index]![0], payload.value));
  return { text: [...lines, 'steps:', ...steps, ''].join('\n'), args };
}

const SOURCES: readonly Source[] = ['set', 'values', 'secret', 'run-variable', 'alias'];
const ENGINES: readonly EnginePath[] = ['docker', 'podman'];

describe.each(ENGINES)('values with shell syntax on %s', (engine) => {
  it.each(SOURCES)('from %s: no host command, one container per step, the value printed as text', { timeout: 180_000 }, async (source) => {
    const dir = tempDir('inj');
    const home = tempDir('home');
    const runId = uniqueId('lst');
    const prefix = runNamePrefix({ runId, homeKey: homeKeyOf(home) });
    const sentinel = path.join(tempDir('sentinel'), 'ran');
    const volume = `taskrun-${runId}-injected`;
    const payloads = payloadsFor(sentinel, volume);
    const { text, args } = taskFor(source, payloads, dir);
    const file = path.join(dir, 'acr-task.yaml');
    writeFileSync(file, text);
    const shim = createEngineShim(labEngineFor(lab, engine).binary);
    shims.push(shim);
    const selection = cliEngineFor(lab, engine);
    const binaryVar = engine === 'podman' ? 'TASKRUN_PODMAN' : 'TASKRUN_DOCKER';
    const result = await runCli(['run', file, ...selection.args, '--run-id', runId, ...args], {
      env: { ...process.env, ...selection.env, TASKRUN_HOME: home, [binaryVar]: shim.binary },
      timeoutMs: 170_000,
    });
    const details = `${result.exitCode}\n${result.stdout}\n${result.stderr}`;
    expect(result.exitCode, details).toBe(0);
    expect(existsSync(sentinel), details).toBe(false);
    expect(await listVolumes(lab, engine, volume)).toEqual([]);
    const commands = shim.commands();
    expect(commands.filter((argv) => argv[0] === 'volume' && argv.includes(volume))).toEqual([]);
    // One container per step: on podman as its event log has them (most are made through its service), elsewhere from the CLI commands.
    const stepContainers =
      engine === 'podman'
        ? (await podmanCreatedContainers(lab, `taskrun.run=${runId}`)).map(({ name }) => name)
        : commands.filter((argv) => argv[0] === 'run' || argv[0] === 'create').map((argv) => flagValue(argv, '--name'));
    expect(stepContainers.filter((name) => name?.startsWith(`${prefix}-p`)).sort()).toEqual(payloads.map((_, index) => `${prefix}-p${index}`).sort());
    const record = JSON.parse(readFileSync(path.join(home, 'runs', runId, 'record.json'), 'utf8')) as { steps: unknown[] };
    expect(record.steps).toHaveLength(payloads.length);
    // Secret values are masked in the output; every other value is printed exactly as given.
    if (source !== 'secret') for (const payload of payloads) expect(result.stdout, details).toContain(`${payload.printed}\n`);
    expect(result.stderr).toMatch(/cmd-value-operator|comes from a value/);
  });
});
