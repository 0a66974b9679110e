// Stage 3, parse: the task file as written, after YAML decoding and before any
// check. Every field is optional and of unknown type until the schema and the
// rules have looked at it; normalisation reads it only through the guards below.

export interface WrittenTask {
  readonly version?: unknown;
  readonly stepTimeout?: unknown;
  readonly env?: unknown;
  readonly workingDirectory?: unknown;
  readonly secrets?: unknown;
  readonly networks?: unknown;
  readonly volumes?: unknown;
  readonly steps?: unknown;
  readonly alias?: unknown;
  readonly [key: string]: unknown;
}

export interface WrittenStep {
  readonly id?: unknown;
  readonly cmd?: unknown;
  readonly build?: unknown;
  readonly push?: unknown;
  readonly workingDirectory?: unknown;
  readonly entryPoint?: unknown;
  readonly user?: unknown;
  readonly network?: unknown;
  readonly isolation?: unknown;
  readonly cpus?: unknown;
  readonly cache?: unknown;
  readonly volumeMounts?: unknown;
  readonly env?: unknown;
  readonly expose?: unknown;
  readonly ports?: unknown;
  readonly when?: unknown;
  readonly exitedWith?: unknown;
  readonly exitedWithout?: unknown;
  readonly timeout?: unknown;
  readonly startDelay?: unknown;
  readonly retries?: unknown;
  readonly retryDelay?: unknown;
  readonly retryOnErrors?: unknown;
  readonly repeat?: unknown;
  readonly cmdDownloadRetries?: unknown;
  readonly cmdDownloadRetryDelay?: unknown;
  readonly keep?: unknown;
  readonly detach?: unknown;
  readonly privileged?: unknown;
  readonly ignoreErrors?: unknown;
  readonly disableWorkingDirectoryOverride?: unknown;
  readonly pull?: unknown;
  /** ACR's accidental lower-case key: replaces the tags read from `build`. */
  readonly tags?: unknown;
  readonly [key: string]: unknown;
}

export interface WrittenSecret {
  readonly id?: unknown;
  readonly keyvault?: unknown;
  readonly clientID?: unknown;
  readonly aadresourceid?: unknown;
  readonly [key: string]: unknown;
}

export interface WrittenNetwork {
  readonly name?: unknown;
  readonly driver?: unknown;
  readonly ipv6?: unknown;
  readonly skipCreation?: unknown;
  readonly isDefault?: unknown;
  readonly [key: string]: unknown;
}

export interface WrittenVolume {
  readonly name?: unknown;
  readonly secret?: unknown;
  readonly [key: string]: unknown;
}

export interface WrittenVolumeMount {
  readonly name?: unknown;
  readonly mountPath?: unknown;
  readonly [key: string]: unknown;
}

export function isRecord(value: unknown): value is { readonly [key: string]: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A string field; any other type (already reported by the schema check) reads as missing. */
export function readString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A non-empty string field (ACR treats `""` like a missing value). */
export function readText(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function readInteger(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) ? value : undefined;
}

export function readBoolean(value: unknown): boolean {
  return value === true;
}

export function readStringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** The items of a list of mappings, with their index in the list (non-mappings are skipped). */
export function readRecords<T>(value: unknown): { readonly index: number; readonly item: T }[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item, index) => (isRecord(item) ? [{ index, item: item as T }] : []));
}
