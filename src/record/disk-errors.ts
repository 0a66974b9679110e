// Record stage: what taskrun says when the file system refuses a write to TASKRUN_HOME (or the
// scratch folder): a full disk, a read-only mount, missing permission, a used-up quota.

import { error, InputError } from '../diagnostics.js';
import type { Diagnostic } from '../diagnostics.js';

/** The error codes that mean "this folder cannot be written", as opposed to a bug. */
const DISK_ERROR_CODES = ['ENOSPC', 'EDQUOT', 'EROFS', 'EACCES', 'EPERM', 'EFBIG'] as const;
export type DiskErrorCode = (typeof DISK_ERROR_CODES)[number];

export interface DiskError extends NodeJS.ErrnoException {
  readonly code: DiskErrorCode;
}

export function isDiskError(cause: unknown): cause is DiskError {
  return cause instanceof Error && (DISK_ERROR_CODES as readonly string[]).includes((cause as NodeJS.ErrnoException).code ?? '');
}

const WHAT: Record<DiskErrorCode, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EFBIG: 'the file grew too large for its file system',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
};

/** "the disk is full (ENOSPC)" */
export function describeDiskErrorCode(code: DiskErrorCode): string {
  return `${WHAT[code]} (${code})`;
}

/** What to do about it, naming the folder. */
export function diskErrorHint(code: DiskErrorCode, folder: string): string {
  const elsewhere = 'or set TASKRUN_HOME to a writable folder with free space';
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
    case 'EFBIG':
      return `free space in ${folder} (\`taskrun runs prune\` removes old runs), ${elsewhere}`;
    case 'EROFS':
      return `mount ${folder} read-write, ${elsewhere}`;
    case 'EACCES':
    case 'EPERM':
      return `give your user write access to ${folder}, ${elsewhere}`;
  }
}

/** "cannot write to FOLDER: the disk is full (ENOSPC)" */
export function diskErrorMessage(cause: DiskError, folder: string): string {
  return `cannot write to ${folder}: ${describeDiskErrorCode(cause.code)}`;
}

export function diskErrorDiagnostic(cause: DiskError, folder: string): Diagnostic {
  return error('home-unwritable', diskErrorMessage(cause, folder), undefined, diskErrorHint(cause.code, folder));
}

/** For failures before anything ran: an InputError (exit 2) naming the folder; other errors pass unchanged. */
export function asHomeInputError(cause: unknown, folder: string): unknown {
  return isDiskError(cause) ? new InputError([diskErrorDiagnostic(cause, folder)]) : cause;
}
