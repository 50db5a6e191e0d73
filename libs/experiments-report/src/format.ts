/** Number formatting shared by the Markdown and HTML renderers. Missing values (null) print as "—". */
import type { Num, Range } from './types';

export const MISSING = '—';

/** Significant digits, without exponent for ordinary magnitudes. */
export function fmtNum(x: Num | undefined, digits = 4): string {
  if (x === null || x === undefined) {
    return MISSING;
  }
  if (x === 0) {
    return '0';
  }
  const abs = Math.abs(x);
  if (abs >= 1e6 || abs < 1e-4) {
    return x.toExponential(Math.max(0, digits - 2));
  }
  return Number(x.toPrecision(digits)).toString();
}

/** Integers with thousands separators. */
export function fmtInt(x: number): string {
  return Math.round(x).toLocaleString('en-US');
}

/** A fraction as a signed percentage: 0.0523 → "+5.23%". */
export function fmtPct(x: Num | undefined, digits = 2, signed = true): string {
  if (x === null || x === undefined) {
    return MISSING;
  }
  const s = (100 * x).toFixed(digits);
  return `${signed && x > 0 ? '+' : ''}${s}%`;
}

/** p-values: 4 decimals, or 2 significant digits in exponent form below 1e-4. */
export function fmtP(p: Num | undefined): string {
  if (p === null || p === undefined) {
    return MISSING;
  }
  if (p === 0) {
    return '0';
  }
  return p < 1e-4 ? p.toExponential(1) : p.toFixed(4);
}

/** An interval with the given formatter: "[a, b]". */
export function fmtRange(r: Range | undefined, f: (x: Num) => string = (x) => fmtNum(x)): string {
  if (r === undefined || (r[0] === null && r[1] === null)) {
    return MISSING;
  }
  return `[${f(r[0])}, ${f(r[1])}]`;
}

/** ISO time → "2026-03-02 14:05 UTC"; null → the given placeholder. */
export function fmtTime(iso: string | null, missing = MISSING): string {
  if (iso === null) {
    return missing;
  }
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** Milliseconds → "850 ms" / "12.3 s" / "4 min 05 s". */
export function fmtDuration(ms: number): string {
  if (ms < 1000) {
    return `${Math.round(ms)} ms`;
  }
  if (ms < 60_000) {
    return `${(ms / 1000).toFixed(1)} s`;
  }
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}
