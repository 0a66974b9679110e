// CLI: `taskrun manifest create|annotate|push|inspect|rm`, docker's `docker manifest`
// flags (plus `--format docker|oci` and `--annotation KEY=VALUE`), run in-process.

import { InvalidArgumentError, Option, type Command } from 'commander';
import type { ManifestCommandIO } from '../../registry/docker-manifest.js';
import type { ManifestCommand } from '../../registry/manifest-args.js';
import { EXIT_CANCELLED } from '../exit-codes.js';
import { writeStderr, writeStdout } from '../std-write.js';

function collectAnnotation(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const equals = value.indexOf('=');
  if (equals <= 0) throw new InvalidArgumentError('expected KEY=VALUE');
  return { ...previous, [value.slice(0, equals)]: value.slice(equals + 1) };
}

function collectFeatures(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').filter((feature) => feature !== '')];
}

async function runWithSignals(command: ManifestCommand): Promise<void> {
  const controller = new AbortController();
  const abort = () => controller.abort(new Error('cancelled'));
  process.once('SIGINT', abort);
  process.once('SIGTERM', abort);
  const io: ManifestCommandIO = {
    stdout: writeStdout,
    stderr: writeStderr,
    signal: controller.signal,
    env: process.env,
  };
  try {
    const { runManifestCommand } = await import('../../registry/docker-manifest.js');
    process.exitCode = await runManifestCommand(command, io);
  } catch (caught) {
    if (!controller.signal.aborted) throw caught;
    process.exitCode = EXIT_CANCELLED;
  } finally {
    process.off('SIGINT', abort);
    process.off('SIGTERM', abort);
  }
}

export function registerManifestCommand(program: Command): void {
  const manifest = program.command('manifest').description('create, annotate, push and inspect manifest lists (docker manifest, in-process)');

  manifest
    .command('create')
    .description('create a local manifest list from images (indexes are flattened, attestations kept)')
    .argument('<list>', 'the manifest list to create, e.g. registry.example/app:1.0')
    .argument('<images...>', 'images (or indexes) to add')
    .option('-a, --amend', 'amend an existing manifest list', false)
    .option('--insecure', 'allow plain HTTP to the registry', false)
    .addOption(new Option('--format <format>', 'force the list type').choices(['docker', 'oci']))
    .option('--annotation <key=value>', 'add an annotation to the list (makes it an OCI index)', collectAnnotation)
    .action(async (list: string, images: string[], options: { amend: boolean; insecure: boolean; format?: 'docker' | 'oci'; annotation?: Record<string, string> }) => {
      await runWithSignals({
        name: 'create',
        list,
        images,
        amend: options.amend,
        insecure: options.insecure,
        ...(options.format && { format: options.format }),
        annotations: options.annotation ?? {},
      });
    });

  manifest
    .command('annotate')
    .description('set the platform (or annotations) of an entry of a local manifest list')
    .argument('<list>', 'the local manifest list')
    .argument('<image>', 'the entry to annotate')
    .option('--os <os>', 'set operating system', '')
    .option('--arch <arch>', 'set architecture', '')
    .option('--os-version <version>', 'set operating system version', '')
    .option('--os-features <features>', 'set operating system features (comma separated, repeatable)', collectFeatures)
    .option('--variant <variant>', 'set architecture variant', '')
    .option('--annotation <key=value>', "add an annotation to the entry's descriptor (makes the list an OCI index)", collectAnnotation)
    .action(
      async (
        list: string,
        image: string,
        options: { os: string; arch: string; osVersion: string; osFeatures?: string[]; variant: string; annotation?: Record<string, string> },
      ) => {
        await runWithSignals({
          name: 'annotate',
          list,
          image,
          os: options.os,
          arch: options.arch,
          variant: options.variant,
          osVersion: options.osVersion,
          osFeatures: options.osFeatures ?? [],
          annotations: options.annotation ?? {},
        });
      },
    );

  manifest
    .command('push')
    .description('push a local manifest list to its registry')
    .argument('<list>', 'the local manifest list')
    .option('-p, --purge', 'remove the local manifest list after the push', false)
    .option('--insecure', 'allow plain HTTP to the registry', false)
    .action(async (list: string, options: { purge: boolean; insecure: boolean }) => {
      await runWithSignals({ name: 'push', list, purge: options.purge, insecure: options.insecure });
    });

  manifest
    .command('inspect')
    .description('print a manifest or manifest list (same output as docker manifest inspect)')
    // docker's `inspect [LIST] REF`: commander cannot put an optional argument first.
    .argument('<list-or-ref>', 'REF alone, or LIST (a local manifest list holding REF) followed by REF')
    .argument('[ref]', 'the manifest or list, local or in a registry')
    .option('-v, --verbose', 'show layers and platform as docker --verbose does', false)
    .option('--insecure', 'allow plain HTTP to the registry', false)
    .action(async (first: string, second: string | undefined, options: { verbose: boolean; insecure: boolean }) => {
      const common = { name: 'inspect' as const, verbose: options.verbose, insecure: options.insecure };
      await runWithSignals(second === undefined ? { ...common, ref: first } : { ...common, list: first, ref: second });
    });

  manifest
    .command('rm')
    .description('delete local manifest lists')
    .argument('<lists...>', 'local manifest lists to delete')
    .action(async (lists: string[]) => {
      await runWithSignals({ name: 'rm', lists });
    });
}
