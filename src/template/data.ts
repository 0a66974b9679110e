// What a task file's templates can see: ACR's data model (acb-spec §2.2).

/** `.Run.*`; every value is a string, as on ACR. */
export interface RunVars {
  readonly ID: string;
  readonly Registry: string;
  readonly RegistryName: string;
  /** `yyyyMMdd-HHmmss` in UTC followed by a literal `z`, e.g. `20261123-075100z`. */
  readonly Date: string;
  readonly OS: string;
  readonly Architecture: string;
  readonly OSVersion: string;
  readonly Commit: string;
  readonly Branch: string;
  readonly Repository: string;
  readonly GitTag: string;
  readonly TriggeredBy: string;
  readonly TaskName: string;
  readonly SharedVolume: string;
}

export type Values = { readonly [key: string]: unknown };

export interface TemplateData {
  readonly Run: RunVars;
  /** Legacy `.Build.ID`, same as `.Run.ID`. */
  readonly Build: { readonly ID: string };
  readonly Values: Values;
  /** JSON of `.Values` (sorted keys), shell-quoted. */
  readonly ValuesJSON: string;
  /** JSON of `.Run` (sorted keys), shell-quoted. */
  readonly RunJSON: string;
  readonly Secrets: { readonly [id: string]: string };
}
