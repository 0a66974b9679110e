// Stage 3, validate: DOCKER_BUILDKIT as the two readers of a build step's env take it. The
// docker CLI parses it with Go's strconv.ParseBool; ACR builds with BuildKit only for the exact
// item DOCKER_BUILDKIT=1 and otherwise forces DOCKER_BUILDKIT=0 (acb-spec §18).

/** Go's strconv.ParseBool: undefined for any text it refuses. */
export function parseGoBool(value: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  return undefined;
}

export function isAcrBuildkitValue(value: string): boolean {
  return value === '1';
}
