// CLI: task files named the way editors name open files: `folder/file`, and where two different
// files would read the same, the nearest parent folder that tells them apart
// (`app/…/ci/acr-task.yaml` beside `lib/…/ci/acr-task.yaml`).

const ELLIPSIS = '…';

/** A short name for each path, distinct for distinct paths. */
export function shortDistinctPaths(paths: Iterable<string>): Map<string, string> {
  const unique = [...new Set(paths)];
  const segmentsOf = new Map(unique.map((path) => [path, path.split(/[\\/]+/).filter((segment) => segment !== '')]));
  // How many trailing segments each path shows; grown only where names collide.
  const depth = new Map(unique.map((path) => [path, Math.min(2, segmentsOf.get(path)!.length)]));
  const suffix = (path: string) => segmentsOf.get(path)!.slice(-depth.get(path)!).join('/');
  for (;;) {
    const collisions = collidingGroups(unique, suffix);
    const growable = collisions.flat().filter((path) => depth.get(path)! < segmentsOf.get(path)!.length);
    if (growable.length === 0) break;
    for (const path of growable) depth.set(path, depth.get(path)! + 1);
  }
  const names = new Map(unique.map((path) => [path, displayName(path, segmentsOf.get(path)!, depth.get(path)!)]));
  // Eliding the middle must not merge two names; where it would, show the whole suffix.
  for (const group of collidingGroups(unique, (path) => names.get(path)!)) {
    for (const path of group) names.set(path, depth.get(path)! === segmentsOf.get(path)!.length ? path : suffix(path));
  }
  return names;
}

function displayName(path: string, segments: readonly string[], depth: number): string {
  if (depth >= segments.length) return depth > 3 ? elide(segments, depth, path) : path;
  return elide(segments, depth, segments.slice(-depth).join('/'));
}

// `a/x/y/ci/file` shown at depth 5 → `a/…/ci/file`: the folder that differs and the usual two.
function elide(segments: readonly string[], depth: number, whole: string): string {
  if (depth <= 3) return whole;
  const first = segments[segments.length - depth]!;
  const lead = whole.startsWith('/') && depth === segments.length ? `/${first}` : first;
  return `${lead}/${ELLIPSIS}/${segments.slice(-2).join('/')}`;
}

function collidingGroups(paths: readonly string[], nameOf: (path: string) => string): string[][] {
  const byName = new Map<string, string[]>();
  for (const path of paths) {
    const name = nameOf(path);
    byName.set(name, [...(byName.get(name) ?? []), path]);
  }
  return [...byName.values()].filter((group) => group.length > 1);
}
