/**
 * Inserts a module (e.g. who-to-follow) at `index`, or the nearest later index where it does not touch
 * an ad (ads keep two post neighbours). Returns the page unchanged, with a reason, when no index fits
 * or the page is too short to reach `index`.
 */
export function placeModule<T>(
  page: readonly T[],
  module: T,
  index: number,
  isAd: (item: T) => boolean,
): { page: T[]; placedAt: number | null } {
  for (let i = Math.max(0, index); i <= page.length - 1; i++) {
    const before = page[i - 1];
    const after = page[i];
    if ((before === undefined || !isAd(before)) && (after === undefined || !isAd(after))) {
      return { page: [...page.slice(0, i), module, ...page.slice(i)], placedAt: i };
    }
  }
  return { page: [...page], placedAt: null };
}
