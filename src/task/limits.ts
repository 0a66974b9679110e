// Task stage: the limits that keep a hostile or broken task file from hanging or crashing the
// YAML and validation stages; far above what a real file needs. Reaching one is an error
// (`task-limit`) at the place that reached it, and nothing after the YAML stage runs.

/** Lines of the rendered task file, checked before the YAML is parsed (its cost grows with them). */
export const MAX_LINES = 20_000;
/** Commas of the rendered task file (items of `[a, b]` lists and `{a: 1}` maps): the YAML parser's cost grows with them too. */
export const MAX_COMMAS = 20_000;
/** Steps in `steps:`. */
export const MAX_STEPS = 5_000;
/** YAML values (mappings, lists, scalars) the document holds, aliases expanded. */
export const MAX_YAML_VALUES = 200_000;
/** Mappings and lists nested in each other. */
export const MAX_YAML_DEPTH = 100;
