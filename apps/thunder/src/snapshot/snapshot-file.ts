import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

export const SNAPSHOT_FILE = 'thunder.snapshot';

/**
 * Replaces `<dir>/thunder.snapshot` atomically: write a temp file in the same directory, fsync it,
 * rename it over the old one, fsync the directory. A crash at any point leaves either the old or the
 * new complete file, never a torn one.
 */
export async function writeSnapshotFile(dir: string, bytes: Buffer): Promise<void> {
  await mkdir(dir, { recursive: true });
  const target = join(dir, SNAPSHOT_FILE);
  const temp = `${target}.${process.pid}.tmp`;
  try {
    const file = await open(temp, 'w', 0o644);
    try {
      await file.writeFile(bytes);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, target);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
  const folder = await open(dir, 'r');
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
}

/** The snapshot's bytes, or undefined when there is none yet. */
export async function readSnapshotFile(dir: string): Promise<Buffer | undefined> {
  try {
    return await readFile(join(dir, SNAPSHOT_FILE));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined;
    }
    throw err;
  }
}
