// Reads CI log markers back out of taskrun's output, undoing each service's escaping, so tests
// check what GitHub Actions, GitLab CI and Azure Pipelines would see.

export interface ParsedAnnotation {
  readonly severity: string;
  readonly properties: Record<string, string>;
  readonly message: string;
}

export interface ParsedGroup {
  readonly title: string;
  readonly lines: string[];
}

const unescapeGithub = (text: string) => text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');
const unescapeAzure = (text: string) => text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3B/g, ';').replace(/%5D/g, ']').replace(/%AZP25/g, '%');

export function githubAnnotations(output: string): ParsedAnnotation[] {
  return [...output.matchAll(/^::(error|warning|notice)(?: ([^:]*))?::(.*)$/gm)].map((match) => ({
    severity: match[1]!,
    properties: Object.fromEntries(
      (match[2] ?? '')
        .split(',')
        .filter(Boolean)
        .map((pair) => [pair.slice(0, pair.indexOf('=')), unescapeGithub(pair.slice(pair.indexOf('=') + 1))]),
    ),
    message: unescapeGithub(match[3]!),
  }));
}

export function azureAnnotations(output: string): ParsedAnnotation[] {
  return [...output.matchAll(/^##vso\[task\.logissue ([^\]]*)\](.*)$/gm)].map((match) => {
    const properties = Object.fromEntries(match[1]!.split(';').map((pair) => [pair.slice(0, pair.indexOf('=')), unescapeAzure(pair.slice(pair.indexOf('=') + 1))]));
    const { type, ...rest } = properties;
    return { severity: type!, properties: rest, message: unescapeAzure(match[2]!) };
  });
}

/** Groups in order; throws on a group opened inside another or closed without one open. */
export function groups(output: string, kind: 'github' | 'azure' | 'gitlab'): ParsedGroup[] {
  const found: ParsedGroup[] = [];
  let open: ParsedGroup | undefined;
  let openName: string | undefined;
  for (const raw of output.split('\n')) {
    const line = raw.replace(/\x1b\[0K/g, '');
    const start =
      kind === 'github' ? /^::group::(.*)$/.exec(line)?.[1] : kind === 'azure' ? /^##\[group\](.*)$/.exec(line)?.[1] : undefined;
    const gitlabStart = kind === 'gitlab' ? /^section_start:\d+:([A-Za-z0-9_.-]+)\[collapsed=true\]\r(.*)$/.exec(line) : null;
    const isEnd = kind === 'github' ? line === '::endgroup::' : kind === 'azure' ? line === '##[endgroup]' : /^section_end:\d+:[A-Za-z0-9_.-]+\r$/.test(line);
    if (start !== undefined || gitlabStart) {
      if (open) throw new Error(`group "${start ?? gitlabStart![2]}" opens inside "${open.title}"`);
      open = { title: start ?? gitlabStart![2]!, lines: [] };
      openName = gitlabStart?.[1];
    } else if (isEnd) {
      if (!open) throw new Error('a group ends that never opened');
      if (kind === 'gitlab' && !line.includes(`:${openName}\r`)) throw new Error(`section ${openName} ends with another name: ${JSON.stringify(line)}`);
      found.push(open);
      open = undefined;
    } else if (open) {
      open.lines.push(line);
    }
  }
  if (open) throw new Error(`group "${open.title}" never ends`);
  return found;
}
