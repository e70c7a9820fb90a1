import * as fs from 'node:fs';
import { dirname } from 'node:path';

/**
 * Writes a "newc" cpio archive (the format the kernel unpacks as an initramfs; kernel
 * Documentation/driver-api/early-userspace/buffer-format.rst): per entry a 110-byte ASCII header
 * of 13 8-digit hex fields, the NUL-terminated name padded to 4 bytes, then the data padded to 4.
 * The kernel does not create missing parent directories, so every parent gets its own entry.
 */
export class CpioWriter {
  private ino = 1;
  private readonly made = new Set<string>(['.']);
  private readonly fd: number;

  constructor(path: string) {
    this.fd = fs.openSync(path, 'w');
  }

  dir(path: string, mode = 0o755): void {
    const name = strip(path);
    if (this.made.has(name)) return;
    this.parents(name);
    this.made.add(name);
    this.entry(name, 0o040000 | mode, Buffer.alloc(0));
  }

  file(path: string, data: Uint8Array, mode = 0o644): void {
    const name = strip(path);
    this.parents(name);
    this.entry(name, 0o100000 | mode, data);
  }

  /** Copies a host file (following symlinks) to `path` in the archive, keeping its mode bits. */
  copy(hostPath: string, path: string): void {
    const st = fs.statSync(hostPath);
    this.file(path, fs.readFileSync(hostPath), st.mode & 0o7777);
  }

  symlink(path: string, target: string): void {
    const name = strip(path);
    this.parents(name);
    this.entry(name, 0o120000 | 0o777, Buffer.from(target));
  }

  /** Writes the TRAILER!!! entry and closes the file. */
  close(): void {
    this.entry('TRAILER!!!', 0, Buffer.alloc(0));
    fs.closeSync(this.fd);
  }

  private parents(name: string): void {
    const parent = dirname(name);
    if (parent !== '.' && parent !== '/') this.dir(parent);
  }

  private entry(name: string, mode: number, data: Uint8Array): void {
    const nameBytes = Buffer.from(`${name}\0`);
    const fields = [this.ino++, mode, 0, 0, mode & 0o040000 ? 2 : 1, 0, data.length, 0, 0, 0, 0, nameBytes.length, 0];
    const header = Buffer.from(`070701${fields.map((f) => f.toString(16).padStart(8, '0')).join('')}`, 'latin1');
    fs.writeSync(this.fd, header);
    fs.writeSync(this.fd, nameBytes);
    fs.writeSync(this.fd, Buffer.alloc(pad4(header.length + nameBytes.length)));
    if (data.length > 0) fs.writeSync(this.fd, data);
    fs.writeSync(this.fd, Buffer.alloc(pad4(data.length)));
  }
}

const pad4 = (n: number) => (4 - (n % 4)) % 4;
/** Archive names are relative: "usr/bin/node". */
const strip = (path: string) => path.replace(/^\/+/, '').replace(/\/+$/, '');
