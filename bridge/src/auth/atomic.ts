import * as nodeFs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

/** The fs calls atomicWrite makes; a test swaps them to simulate a crash mid-write. */
export type AtomicFs = Pick<
  typeof nodeFs,
  'openSync' | 'writeSync' | 'fsyncSync' | 'closeSync' | 'renameSync' | 'unlinkSync' | 'statSync' | 'fchownSync'
>;

/**
 * Replaces `path` with `data` so that a crash at any point leaves either the old file or the new
 * one, never a torn mix: write a temp file in the same directory (mode `mode`, O_EXCL), fsync
 * it, rename(2) it over `path`, fsync the directory so the rename itself is durable.
 * Run as root (the CLI under sudo), the new file keeps the old one's owner, so the service user
 * can still read it.
 * @throws the fs error (ENOENT, EACCES, ENOSPC...); the temp file is removed first
 */
export function atomicWrite(path: string, data: string, mode = 0o600, fs: AtomicFs = nodeFs): void {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let owner: { uid: number; gid: number } | undefined;
  if (process.getuid?.() === 0) {
    try {
      const st = fs.statSync(path);
      owner = { uid: st.uid, gid: st.gid };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  const fd = fs.openSync(tmp, 'wx', mode);
  try {
    try {
      const buf = Buffer.from(data, 'utf8');
      for (let off = 0; off < buf.length;) off += fs.writeSync(fd, buf, off, buf.length - off);
      if (owner) fs.fchownSync(fd, owner.uid, owner.gid);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, path);
  } catch (e) {
    try {
      fs.unlinkSync(tmp);
    } catch (cleanup) {
      // The write already failed; report that one. The stray temp file is harmless (dot-name).
      void cleanup;
    }
    throw e;
  }
  const dfd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(dfd);
  } finally {
    fs.closeSync(dfd);
  }
}
