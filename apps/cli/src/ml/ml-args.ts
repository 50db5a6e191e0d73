import { z } from 'zod';

/** `--k 10,50,200`: distinct whole numbers in [1, 10000], returned ascending. */
export const KListArg = z.string().transform((value, ctx) => {
  const parts = value.split(',').map((p) => p.trim());
  const ks = parts.map(Number);
  if (parts.some((p) => p === '') || ks.some((k) => !Number.isInteger(k) || k < 1 || k > 10_000)) {
    ctx.addIssue({
      code: 'custom',
      message: 'must be comma-separated whole numbers in 1…10000, e.g. 10,50,200',
    });
    return z.NEVER;
  }
  return [...new Set(ks)].sort((a, b) => a - b);
});

/** A directory or file path (not empty). */
export const PathArg = z.string().min(1, { error: 'must not be empty (a path)' });

export const MaxUsersArg = z.coerce
  .number({ error: 'must be a number (users per slice)' })
  .int({ error: 'must be a whole number (users per slice)' })
  .min(1, { error: 'must be at least 1 (users per slice)' })
  .max(1_000_000, { error: 'must be at most 1000000 (users per slice)' });
