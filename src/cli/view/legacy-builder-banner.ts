// CLI view: docker's legacy builder prints a DEPRECATED banner on every `docker build`
// (BuildKit builds print none). A run shows it once; the record and `taskrun logs` keep all.

const BANNER_START = /^DEPRECATED: The legacy builder is deprecated/;

export interface BannerFilter {
  /** False for a line of a banner already shown in this run. */
  readonly keep: (line: { readonly stepId: string; readonly text: string }) => boolean;
  /** A step's banner ends with its output (its next attempt may print one again). */
  readonly endStep: (stepId: string) => void;
}

export function createBannerFilter(): BannerFilter {
  let isShown = false;
  // Steps in the middle of a repeated banner: its indented lines and the blank line after it are dropped.
  const skipping = new Set<string>();
  return {
    keep({ stepId, text }) {
      if (skipping.has(stepId)) {
        if (/^\s+\S/.test(text)) return false;
        skipping.delete(stepId);
        if (text.trim() === '') return false;
      }
      if (!BANNER_START.test(text)) return true;
      if (!isShown) {
        isShown = true;
        return true;
      }
      skipping.add(stepId);
      return false;
    },
    endStep(stepId) {
      skipping.delete(stepId);
    },
  };
}
