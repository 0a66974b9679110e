// Counts in messages: `1 container`, `3 volumes`.

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** The count in words, or nothing when it is 0 (for lists of what was found). */
export function countedIfAny(count: number, word: string): string[] {
  return count === 0 ? [] : [plural(count, word)];
}
