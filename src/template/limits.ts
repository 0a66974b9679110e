// Template stage: the resource limits that keep a hostile or broken template from hanging or
// crashing taskrun. Each is far above what a real task file needs and low enough that hitting
// it costs well under 2 s and 200 MB. A limit reached is the template's fault: an error at the
// action that reached it, naming the limit.

/** `{{if}}`/`{{range}}`/`{{with}}`/`{{define}}`/`{{block}}` blocks and `( … )` nested in each other. */
export const MAX_NESTING = 200;
/** Blocks entered and `{{template}}` calls in progress at once while rendering (recursion). */
export const MAX_EXEC_DEPTH = 400;
/** `{{range}}` iterations and `{{template}}` calls in one render. */
export const MAX_EXEC_STEPS = 1_000_000;
/** Characters the rendered task file may have. */
export const MAX_OUTPUT_CHARS = 2 * 1024 * 1024;
/** Elements (list items, map entries, nested ones counted) one value may hold. */
export const MAX_VALUE_ELEMENTS = 1_000_000;
/** Lists and maps nested in each other in one value (printing and `toJson` recurse through them). */
export const MAX_VALUE_DEPTH = 1_000;
/** Characters of text one value may hold (all its strings together). */
export const MAX_VALUE_CHARS = MAX_OUTPUT_CHARS;
/**
 * Elements and characters of text function results may hold in one render, counted
 * once per new value: it bounds loops that rebuild a growing list (`append` in a `range`).
 */
export const MAX_VALUE_WORK = 20_000_000;

/** A limit reached; the evaluator reports it at the action that reached it. */
export class LimitError extends Error {
  override readonly name = 'LimitError';
  readonly hint: string;
  constructor(message: string, hint: string) {
    super(message);
    this.hint = hint;
  }
}

const formatCount = (count: number): string => count.toLocaleString('en-US');

/**
 * For a function about to build a list or text of `length` elements or characters (`repeat`,
 * `until`, `append`, …): throws before the allocation when it would pass the value limits.
 */
export function checkValueSize(length: number, what: 'elements' | 'characters', name: string): void {
  const limit = what === 'elements' ? MAX_VALUE_ELEMENTS : MAX_VALUE_CHARS;
  if (length > limit) {
    throw new LimitError(
      `\`${name}\` would build a value of ${formatCount(length)} ${what}, over taskrun's limit of ${formatCount(limit)}`,
      'a task file needs far less; check the counts that feed it',
    );
  }
}

/**
 * Measures values as a tree (a list holding one list twice counts it twice), memoised per
 * object, so a list doubled in a loop is caught after a few doublings, before it is printed.
 */
export class ValueMeter {
  private readonly sizes = new WeakMap<object, Size>();
  private work = 0;

  /** Throws a LimitError when `value` holds more than the value limits allow, or the render has built too much. */
  check(value: unknown, name: string): void {
    const { elements, chars, depth } = this.measure(value);
    if (elements > MAX_VALUE_ELEMENTS) checkValueSize(elements, 'elements', name);
    if (chars > MAX_VALUE_CHARS) checkValueSize(chars, 'characters', name);
    if (depth > MAX_VALUE_DEPTH) {
      throw new LimitError(
        `\`${name}\` would build lists and maps nested more than ${formatCount(MAX_VALUE_DEPTH)} deep (taskrun's limit)`,
        'check loops that wrap a value in `list` or `dict` on every iteration',
      );
    }
    if (typeof value === 'string') this.work += value.length;
    if (this.work > MAX_VALUE_WORK) {
      throw new LimitError(
        `the template builds more than ${formatCount(MAX_VALUE_WORK)} list elements, map entries and characters in all (taskrun's limit)`,
        'check loops that rebuild a growing list or text (`append`, `concat`, `printf`) on every iteration',
      );
    }
  }

  // Iterative: values nest as deep as the template lets them (`list (list (list …))`).
  private measure(value: unknown): Size {
    if (typeof value === 'string') return { elements: 0, chars: value.length, depth: 0 };
    if (typeof value !== 'object' || value === null) return { elements: 0, chars: 0, depth: 0 };
    const known = this.sizes.get(value);
    if (known) return known;
    const stack: { node: object; children: unknown[]; next: number; size: { elements: number; chars: number; depth: number } }[] = [];
    const onStack = new Set<object>();
    const isOver = (size: Size) => size.elements > MAX_VALUE_ELEMENTS || size.chars > MAX_VALUE_CHARS || size.depth > MAX_VALUE_DEPTH;
    const open = (node: object) => {
      const children = Array.isArray(node) ? node : childrenOf(node);
      const keys = Array.isArray(node) ? 0 : Object.keys(node).reduce((sum, key) => sum + key.length, 0);
      stack.push({ node, children, next: 0, size: { elements: children.length, chars: keys, depth: 1 } });
      onStack.add(node);
      this.work += children.length + keys;
    };
    open(value);
    let result: Size = { elements: 0, chars: 0, depth: 0 };
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (!top) break;
      // Past a limit (or the depth limit on the way down) the rest need not be counted.
      if (top.next < top.children.length && !isOver(top.size) && stack.length <= MAX_VALUE_DEPTH) {
        const child = top.children[top.next++];
        if (typeof child === 'string') {
          top.size.chars += child.length;
          this.work += child.length;
        } else if (typeof child === 'object' && child !== null) {
          const size = this.sizes.get(child);
          if (size) add(top.size, size);
          // A cycle cannot come from YAML or JSON values; count it as too large rather than loop.
          else if (onStack.has(child)) top.size.elements = Infinity;
          else open(child);
        }
        continue;
      }
      if (stack.length > MAX_VALUE_DEPTH) top.size.depth = Infinity;
      stack.pop();
      onStack.delete(top.node);
      result = top.size;
      this.sizes.set(top.node, result);
      const parent = stack[stack.length - 1];
      if (parent) add(parent.size, result);
    }
    return result;
  }
}

interface Size {
  readonly elements: number;
  readonly chars: number;
  /** Lists and maps nested in each other, this one included. */
  readonly depth: number;
}

function add(total: { elements: number; chars: number; depth: number }, part: Size): void {
  total.elements += part.elements;
  total.chars += part.chars;
  total.depth = Math.max(total.depth, part.depth + 1);
}

function childrenOf(node: object): unknown[] {
  // GoFloat and other value wrappers are leaves: only plain maps hold children.
  const proto = Object.getPrototypeOf(node) as unknown;
  if (proto !== Object.prototype && proto !== null) return [];
  return Object.values(node);
}
