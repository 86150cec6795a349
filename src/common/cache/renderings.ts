/** Anonymous renderings kept per cached page: one per language, address and query string, bounded. */
export const RENDERINGS_PER_PAGE = 16;

/**
 * The rendering of `key` in `rendered`, made once and shared by concurrent readers (a 180 KB page at
 * each expiry is rendered once); a failed one is forgotten. `keep: false` renders without keeping.
 */
export function sharedRendering<T>(rendered: Map<string, Promise<T>>, key: string, render: () => Promise<T>, keep = true): Promise<T> {
  const hit = rendered.get(key);
  if (hit) return hit;
  const made = render();
  if (keep && rendered.size < RENDERINGS_PER_PAGE) {
    rendered.set(key, made);
    made.catch(() => {
      if (rendered.get(key) === made) rendered.delete(key);
    });
  }
  return made;
}
