// CLI: the log markers of each CI service, as pure text: collapsible groups and annotations
// at a file position, escaped by each service's rules so no message can end a marker early.
//   GitHub Actions:  ::group::T / ::endgroup::, ::error file=F,line=L,col=C,title=T::M
//   GitLab CI:       section_start:<unix>:<name>[collapsed=true]\r\e[0KT / section_end:<unix>:<name>
//                    (no annotations: a plain `F:L:C: error: M` line)
//   Azure Pipelines: ##[group]T / ##[endgroup], ##vso[task.logissue type=error;sourcepath=F;…]M

import type { CiKind } from './ci-kind.js';

export type AnnotationSeverity = 'error' | 'warning';

export interface Annotation {
  readonly severity: AnnotationSeverity;
  readonly message: string;
  /** A short title (GitHub) or code (Azure), e.g. the diagnostic's code. */
  readonly title?: string;
  readonly file?: string;
  readonly line?: number;
  readonly col?: number;
}

const CLEAR_LINE = '\x1b[0K';

// GitHub: data escapes %, CR, LF; property values also `:` and `,` (@actions/core's rules).
function githubData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function githubProperty(text: string): string {
  return githubData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

// Azure: the agent unescapes %AZP25 (a literal %), %0D, %0A, and in properties %3B and %5D.
function azureData(text: string): string {
  return text.replace(/%/g, '%AZP25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function azureProperty(text: string): string {
  return azureData(text).replace(/;/g, '%3B').replace(/]/g, '%5D');
}

// GitLab section names allow letters, digits, `_`, `.` and `-` only.
export function gitlabSectionName(text: string): string {
  return text.replace(/[^A-Za-z0-9_.-]/g, '_');
}

/** A title is one line on every service. */
function oneLine(text: string): string {
  return text.replace(/\r?\n|\r/g, ' ');
}

export interface GroupMarkers {
  /**
   * The line that opens a collapsed group titled `title`; `name` is unique in the run. `timeMs`
   * is when what the group holds began (GitLab shows a section's duration from its two times).
   */
  readonly start: (name: string, title: string, timeMs: number) => string;
  readonly end: (name: string, timeMs: number) => string;
}

const unixSeconds = (timeMs: number) => Math.floor(timeMs / 1000);

export function groupMarkers(kind: CiKind): GroupMarkers {
  switch (kind) {
    case 'github':
      return { start: (_name, title) => `::group::${githubData(oneLine(title))}\n`, end: () => '::endgroup::\n' };
    case 'azure':
      return { start: (_name, title) => `##[group]${oneLine(title)}\n`, end: () => '##[endgroup]\n' };
    case 'gitlab':
      return {
        start: (name, title, timeMs) => `${CLEAR_LINE}section_start:${unixSeconds(timeMs)}:${gitlabSectionName(name)}[collapsed=true]\r${CLEAR_LINE}${oneLine(title)}\n`,
        end: (name, timeMs) => `${CLEAR_LINE}section_end:${unixSeconds(timeMs)}:${gitlabSectionName(name)}\r${CLEAR_LINE}\n`,
      };
  }
}

export function formatAnnotation(kind: CiKind, annotation: Annotation): string {
  switch (kind) {
    case 'github': {
      const properties = [
        ...(annotation.file !== undefined ? [`file=${githubProperty(annotation.file)}`] : []),
        ...(annotation.line !== undefined ? [`line=${annotation.line}`] : []),
        ...(annotation.col !== undefined ? [`col=${annotation.col}`] : []),
        ...(annotation.title !== undefined ? [`title=${githubProperty(annotation.title)}`] : []),
      ];
      return `::${annotation.severity}${properties.length > 0 ? ` ${properties.join(',')}` : ''}::${githubData(annotation.message)}\n`;
    }
    case 'azure': {
      const properties = [
        `type=${annotation.severity}`,
        ...(annotation.file !== undefined ? [`sourcepath=${azureProperty(annotation.file)}`] : []),
        ...(annotation.line !== undefined ? [`linenumber=${annotation.line}`] : []),
        ...(annotation.col !== undefined ? [`columnnumber=${annotation.col}`] : []),
        ...(annotation.title !== undefined ? [`code=${azureProperty(annotation.title)}`] : []),
      ];
      return `##vso[task.logissue ${properties.join(';')}]${azureData(annotation.message)}\n`;
    }
    case 'gitlab': {
      const where = annotation.file === undefined ? '' : `${[annotation.file, annotation.line, annotation.col].filter((part) => part !== undefined).join(':')}: `;
      return `${where}${annotation.severity}: ${annotation.message.replace(/\r?\n/g, '\n  ')}\n`;
    }
  }
}
