// Template stage: the parsed form of a Go text/template file (what `parse.ts` produces and
// `translate.ts` turns into a handlebars program).

/** Where an action's `{{` sits in the template text (1-based). */
export interface ActionPosition {
  readonly line: number;
  readonly col: number;
}

// `isGrouped`: written alone in parentheses, `(.a.b)`; Go passes such a value untyped, so a nil
// there is a nil map for a map parameter rather than an error.
export type Expr =
  | { readonly kind: 'dot'; readonly isGrouped?: boolean }
  /** `.a.b`, `$x.a.b` or `(pipeline).a.b`; `text` is the expression as written, for messages. */
  | { readonly kind: 'field'; readonly receiver: Expr; readonly names: readonly string[]; readonly text: string; readonly isGrouped?: boolean }
  | { readonly kind: 'variable'; readonly name: string; readonly slot: number }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly Expr[] }
  /** Strings, Go ints (JS integers; bigint beyond ±2^53), bools and nil. */
  | { readonly kind: 'literal'; readonly value: string | number | bigint | boolean | null }
  | { readonly kind: 'float'; readonly value: number }
  /** `$x := value` or `$x = value`; evaluates to the value. `undeclared`: `$x = …` of a variable never declared, which fails when it runs (as in Go). */
  | { readonly kind: 'assign'; readonly slot: number; readonly value: Expr; readonly undeclared?: string };

export type TemplateNode =
  /** Literal text; `offset` is where it starts in the template text (after trimming). */
  | { readonly kind: 'text'; readonly text: string; readonly offset: number }
  | { readonly kind: 'output'; readonly expr: Expr; readonly at: number }
  /** A declaration or assignment action: evaluated, prints nothing. */
  | { readonly kind: 'exec'; readonly expr: Expr; readonly at: number }
  | {
      readonly kind: 'if' | 'with';
      readonly expr: Expr;
      readonly body: readonly TemplateNode[];
      readonly otherwise: readonly TemplateNode[] | undefined;
      readonly at: number;
    }
  | {
      readonly kind: 'range';
      readonly expr: Expr;
      /** `$k` of `$k, $v := …`; with one variable only `elementSlot` is set. */
      readonly keySlot: number | undefined;
      readonly elementSlot: number | undefined;
      readonly body: readonly TemplateNode[];
      readonly otherwise: readonly TemplateNode[] | undefined;
      readonly at: number;
      /** `range $x = …` of a variable never declared: fails when it runs, as in Go. */
      readonly undeclared?: string;
    }
  /** `{{break}}` or `{{continue}}`; the parser allows them only inside a `{{range}}` body. */
  | { readonly kind: 'break' | 'continue'; readonly at: number }
  /** `{{template "name" pipeline}}` (also what `{{block}}` leaves in place); `expr` is the new dot. */
  | { readonly kind: 'template'; readonly name: string; readonly expr: Expr | undefined; readonly at: number };

/** A template's body with its own variables: the file itself or a `{{define}}`/`{{block}}`. */
export interface TemplateBody {
  readonly nodes: readonly TemplateNode[];
  /** How many variable slots the body uses (slot 0 is `$`, the dot it was called with). */
  readonly slotCount: number;
}

export interface ParsedTemplate extends TemplateBody {
  /** positions[at] is the `{{` of action `at`. */
  readonly positions: readonly ActionPosition[];
  /** The templates `{{define}}` and `{{block}}` name, which `{{template}}` calls. */
  readonly defined: ReadonlyMap<string, TemplateBody>;
}
