// The normalised task: defaults applied (acb-spec §1.5), every step typed by
// kind. This is what planning and execution read; it never carries run state.

import type { SourceLocation } from '../diagnostics.js';

export type TaskVersion = '1.0-preview-1' | 'v1.0.0' | 'v1.1.0';

export const TASK_VERSIONS: readonly TaskVersion[] = ['1.0-preview-1', 'v1.0.0', 'v1.1.0'];
export const DEFAULT_TASK_VERSION: TaskVersion = 'v1.0.0';
export const DEFAULT_STEP_TIMEOUT_SECONDS = 600;
export const DEFAULT_RETRY_DELAY_SECONDS = 5;
export const ROOT_STEP_ID = 'acb_root';

/** `when` after normalisation: no `when` → after the previous step; `["-"]` → at the start. */
export type StepTrigger =
  | { readonly kind: 'previous' }
  | { readonly kind: 'start' }
  | { readonly kind: 'after'; readonly ids: readonly string[] };

interface StepCommon {
  readonly id: string;
  /** 0-based position in `steps`. */
  readonly index: number;
  /** Where the step's list item starts in the file as written. */
  readonly location: SourceLocation;
  readonly when: StepTrigger;
  readonly startDelaySeconds: number;
  readonly timeoutSeconds: number;
  readonly ignoreErrors: boolean;
}

export interface VolumeMount {
  readonly name: string;
  readonly mountPath: string;
}

/** Options of the container a cmd step runs in (and, on ACR, of a build step's docker-CLI container). */
export interface ContainerOptions {
  /** Step env merged with task env (acb-spec §1.6): `KEY=value` items. */
  readonly env: readonly string[];
  /** As written (possibly inherited from the task); normalised to `/workspace/...` at run time. */
  readonly workingDirectory: string;
  readonly disableWorkingDirectoryOverride: boolean;
  readonly network?: string;
  readonly user?: string;
  readonly privileged: boolean;
  readonly ports: readonly string[];
  readonly expose: readonly string[];
  readonly isolation?: string;
  readonly cpus?: string;
  readonly keep: boolean;
  readonly detach: boolean;
  readonly volumeMounts: readonly VolumeMount[];
}

export interface RetryOptions {
  readonly retries: number;
  readonly retryDelaySeconds: number;
  /** Retry only when an attempt's output contains one of these (empty: always retry). */
  readonly retryOnErrors: readonly string[];
  readonly repeat: number;
}

/** DOCKER_BUILDKIT as a build step's env sets it (the step's own item, else the task's), and where it is written. */
export interface BuildkitSetting {
  readonly value: string;
  readonly location: SourceLocation;
}

export interface BuildStep extends StepCommon, ContainerOptions, RetryOptions {
  readonly kind: 'build';
  /** Present when the step's env sets DOCKER_BUILDKIT. */
  readonly buildkit?: BuildkitSetting;
  /** The `build:` string as rendered. */
  readonly build: string;
  /** `build` split into words with POSIX quoting rules. */
  readonly args: readonly string[];
  /** Images named by `-t`/`--tag` (also the `--tag=x` form). */
  readonly tags: readonly string[];
  readonly dockerfile?: string;
  readonly target?: string;
  /** The build context argument, `.` when none was given. */
  readonly context: string;
  readonly cache?: 'enabled' | 'disabled';
}

export interface PushStep extends StepCommon {
  readonly kind: 'push';
  /** `:latest` added when untagged, de-duplicated in first-seen order. */
  readonly images: readonly string[];
}

export interface CmdStep extends StepCommon, ContainerOptions, RetryOptions {
  readonly kind: 'cmd';
  /** The `cmd:` string as rendered (after command-word alias expansion). */
  readonly cmd: string;
  /** The first command of the `cmd` list as rendered: all of `cmd` when it is no list. */
  readonly firstCommand: string;
  /** `firstCommand` split into words with POSIX quoting rules; words[0] is the image. */
  readonly words: readonly string[];
  /** The commands after the first, each with the written operator before it (empty: no list). */
  readonly rest: readonly ListItem[];
  /** Where words[0] came from when it is not written as such: an alias (`bash`), an `--image-map`. */
  readonly imageOrigin?: ImageOrigin;
  readonly entryPoint?: string;
  readonly pull: boolean;
  readonly cmdDownloadRetries: number;
  readonly cmdDownloadRetryDelaySeconds: number;
}

/** A written `&&`, `||`, `;` or line break (read as `;`) between two commands of a `cmd`. */
export type ListOperator = '&&' | '||' | ';';

/** A later command of a list that taskrun runs itself, as a shell's builtin. */
export type ShellBuiltin =
  | { readonly name: 'true' | 'false' | ':' }
  | { readonly name: 'echo'; readonly args: readonly string[] }
  /** Without a status: the status of the command run last. */
  | { readonly name: 'exit'; readonly status?: number };

/** A later command of a list: a builtin, the engine's CLI on the host (`docker …`) or a container. */
export type ListCommand =
  | { readonly kind: 'builtin'; readonly builtin: ShellBuiltin; readonly words: readonly string[] }
  | { readonly kind: 'host-docker'; readonly words: readonly string[] }
  | { readonly kind: 'container'; readonly words: readonly string[]; readonly imageOrigin?: ImageOrigin };

export interface ListItem {
  readonly operator: ListOperator;
  readonly command: ListCommand;
  /** The command's text as rendered (before alias expansion). */
  readonly text: string;
  /** Where the operator before it is written. */
  readonly location: SourceLocation;
}

export interface ImageOrigin {
  /** The first word as the task file has it (`bash` for ACR's alias). */
  readonly written: string;
  readonly isAlias: boolean;
  /** The image the alias or the file named, when an `--image-map` replaced it. */
  readonly mappedFrom?: string;
}

export type Step = BuildStep | PushStep | CmdStep;
export type StepKind = Step['kind'];

export interface SecretSpec {
  readonly id: string;
  /** Where the secret's list item starts in the file as written. */
  readonly location: SourceLocation;
  readonly keyvault?: string;
  readonly clientID?: string;
}

export interface NetworkSpec {
  readonly name: string;
  readonly driver?: string;
  readonly ipv6: boolean;
  readonly skipCreation: boolean;
  readonly isDefault: boolean;
}

export interface VolumeSpec {
  readonly name: string;
  /** File name → base64 content. */
  readonly secret: { readonly [fileName: string]: string };
}

export interface Task {
  readonly file: string;
  readonly version: TaskVersion;
  readonly stepTimeoutSeconds: number;
  readonly env: readonly string[];
  readonly workingDirectory: string;
  readonly secrets: readonly SecretSpec[];
  readonly networks: readonly NetworkSpec[];
  readonly volumes: readonly VolumeSpec[];
  readonly steps: readonly Step[];
}
