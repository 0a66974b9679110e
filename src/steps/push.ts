// Stage 5, execute: a push step is `<engine> push IMAGE` per image, each with up to 3 attempts
// and acb's back-off (acb-spec §4.5); the registry digest of every pushed image is reported with
// an image-pushed event. acb pushes one image after another; taskrun pushes up to
// PUSH_PARALLEL at once (the step still fails when one image fails, naming the first in order).

import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildPushArgv } from '../engine/argv.js';
import { uniqueNamePart } from '../engine/names.js';
import type { PushStep } from '../task/types.js';
import type { RunEvent, RunEventListener } from '../run/events.js';
import type { RunResources, StepCommand, StepContext, StepResult } from './context.js';
import { engineForImage } from './build-platform.js';
import { mapLimited } from './map-limited.js';
import { runStepCommand } from './run-step-command.js';

export const PUSH_ATTEMPTS = 3;
/**
 * The wait after the first failed attempt, doubling after each later one (acb's util/backoff.go:
 * 250/500/1000 ms). acb also waits 1 s after the third failure before giving up; no attempt follows
 * that wait, so taskrun skips it: two waits, 250 and 500 ms.
 */
export const PUSH_FIRST_BACKOFF_MS = 250;

const DIGEST_LINE = /digest: (sha256:[0-9a-f]{64})/;

function digestFileFor(input: { resources: RunResources; stepId: string; index: number }): string | undefined {
  if (input.resources.engine.name !== 'podman') return undefined;
  return path.join(input.resources.scratchDir, `${uniqueNamePart(input.stepId)}-push-${input.index}.digest`);
}

function pushArgvFor(input: { step: PushStep; resources: RunResources; index: number; image: string }): string[] {
  const digestFile = digestFileFor({ resources: input.resources, stepId: input.step.id, index: input.index });
  return buildPushArgv({ engine: input.resources.engine.name, image: input.image, ...(digestFile && { digestFile }) });
}

// An image a build made on another engine (--engine-for) is pushed from there.
export function describePushCommands(step: PushStep, resources: RunResources): StepCommand[] {
  return step.images.map((image, index) => {
    const { engine, endpoint } = engineForImage(image, resources.routedImages, resources.engine);
    return { argv: [engine.binary, ...pushArgvFor({ step, resources, index, image })], ...(endpoint !== undefined && { endpoint }) };
  });
}

/** Images of one push step pushed at once. */
export const PUSH_PARALLEL = 4;

export async function runPushStep(step: PushStep, ctx: StepContext): Promise<StepResult> {
  let failed = false;
  const inOrder = createOrderedEmit(ctx.emit, step.images.length);
  const results = await mapLimited(step.images, PUSH_PARALLEL, async (image, index) => {
    // After a failure, images not begun yet are not pushed, as acb stops at its first failure.
    if (failed) return undefined;
    const pushed = await pushWithRetries({ step, ctx: { ...ctx, emit: inOrder.emitFor(index) }, index, image });
    inOrder.done(index);
    if (!pushed.ok) failed = true;
    return pushed;
  });
  inOrder.flushAll();
  for (const [index, pushed] of results.entries()) {
    if (pushed && !pushed.ok) return { ...pushed, error: `failed to push ${step.images[index]}: ${pushed.error ?? 'unknown error'}` };
  }
  return { ok: true, exitCode: 0 };
}

/**
 * The events of parallel pushes in the order of one push after another: the first unfinished
 * image's output goes out live, a later image's waits until every image before it is done.
 */
function createOrderedEmit(emit: RunEventListener, count: number) {
  const held: RunEvent[][] = Array.from({ length: count }, () => []);
  const finished = new Array<boolean>(count).fill(false);
  let head = 0;
  const advance = () => {
    while (head < count && finished[head]) {
      head++;
      if (head < count) for (const event of held[head]!.splice(0)) emit(event);
    }
  };
  return {
    emitFor: (index: number): RunEventListener => (event) => (index === head ? emit(event) : held[index]!.push(event)),
    done: (index: number) => {
      finished[index] = true;
      advance();
    },
    /** Images never pushed (after a failure) count as done: what the others held goes out. */
    flushAll: () => {
      finished.fill(true);
      for (const events of held) for (const event of events.splice(0)) emit(event);
    },
  };
}

async function pushWithRetries(input: { step: PushStep; ctx: StepContext; index: number; image: string }): Promise<StepResult> {
  const { step, ctx, index, image } = input;
  const digestFile = digestFileFor({ resources: ctx.resources, stepId: step.id, index });
  let last: StepResult = { ok: false };
  for (let attempt = 1; attempt <= PUSH_ATTEMPTS; attempt++) {
    let printedDigest: string | undefined;
    last = await runStepCommand({
      ctx,
      stepId: step.id,
      args: pushArgvFor({ step, resources: ctx.resources, index, image }),
      engine: engineForImage(image, ctx.resources.routedImages, ctx.resources.engine).engine,
      onStdout: (line) => {
        printedDigest = DIGEST_LINE.exec(line)?.[1] ?? printedDigest;
      },
    });
    if (last.ok) {
      const digest = digestFile ? await readDigestFile(digestFile) : printedDigest;
      ctx.emit({ type: 'image-pushed', stepId: step.id, image: { reference: image, ...(digest && { digest }) }, time: Date.now() });
      return last;
    }
    if (ctx.signal.aborted || attempt === PUSH_ATTEMPTS) break;
    const delayMs = PUSH_FIRST_BACKOFF_MS * 2 ** (attempt - 1);
    ctx.emit({ type: 'step-retry', stepId: step.id, attempt: attempt + 1, delayMs, reason: `push of ${image} failed: ${last.error ?? ''}`, time: Date.now() });
    try {
      await sleep(delayMs, undefined, { signal: ctx.signal });
    } catch {
      break;
    }
  }
  return last;
}

async function readDigestFile(file: string): Promise<string | undefined> {
  try {
    const digest = (await readFile(file, 'utf8')).trim();
    return digest === '' ? undefined : digest;
  } catch {
    return undefined;
  } finally {
    await rm(file, { force: true });
  }
}
