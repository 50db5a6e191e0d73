/**
 * The fixed demo viewer (DESIGN.md §5); every world contains her. Synthetic traffic never requests her
 * feed: a real request records what it served, and the demo promises that a person's first curl for
 * xiaolin shows A, B and F.
 */
export const FIXED_VIEWER = 'xiaolin';

/** The viewer for the i-th request (i ≥ 0): `u<k>`, k a hash of (i, seed) in [0, viewers); deterministic. */
export function viewerFor(index: number, viewers: number, seed = 0): string {
  return `u${mix32(index, seed) % viewers}`;
}

/** A 32-bit integer hash (the mulberry32 finaliser) of (index, seed); uniform enough for traffic. */
export function mix32(index: number, seed: number): number {
  let t = (Math.imul(index, 0x9e3779b1) + seed + 0x6d2b79f5) | 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return (t ^ (t >>> 14)) >>> 0;
}
