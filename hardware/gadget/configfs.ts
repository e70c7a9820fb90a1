import * as fs from 'node:fs';
import { join } from 'node:path';
import { errnoOf, ioError } from './errors.ts';

/**
 * Small synchronous configfs helpers. Every failure becomes a GadgetError naming the path, so a
 * journal line says which attribute the kernel refused. Sync I/O on purpose: setup is a short
 * oneshot program, and configfs writes take effect (or fail) inside the write call.
 */

/** An attribute's text without the trailing newline the kernel adds, or null if absent. */
export function readText(path: string): string | null {
  try {
    return fs.readFileSync(path, 'latin1').replace(/\n$/, '');
  } catch (e) {
    if (errnoOf(e) === 'ENOENT') return null;
    throw ioError('reading', path, e);
  }
}

/** An attribute's raw bytes (report_desc), or null if absent. */
export function readBytes(path: string): Uint8Array | null {
  try {
    return new Uint8Array(fs.readFileSync(path));
  } catch (e) {
    if (errnoOf(e) === 'ENOENT') return null;
    throw ioError('reading', path, e);
  }
}

/**
 * Writes an attribute in one write() call, which is what configfs stores (a second write would
 * replace, not append).
 */
export function writeAttr(path: string, value: string | Uint8Array): void {
  try {
    fs.writeFileSync(path, value);
  } catch (e) {
    throw ioError('writing', path, e);
  }
}

/** mkdir that tolerates an existing directory; in configfs a mkdir instantiates an object. */
export function makeDir(path: string): void {
  try {
    fs.mkdirSync(path);
  } catch (e) {
    if (errnoOf(e) !== 'EEXIST') throw ioError('creating', path, e);
  }
}

/** rmdir that tolerates a missing directory. */
export function removeDir(path: string): void {
  try {
    fs.rmdirSync(path);
  } catch (e) {
    if (errnoOf(e) !== 'ENOENT') throw ioError('removing', path, e);
  }
}

export function makeLink(target: string, path: string): void {
  try {
    fs.symlinkSync(target, path);
  } catch (e) {
    if (errnoOf(e) !== 'EEXIST') throw ioError('linking', `${path} -> ${target}`, e);
  }
}

export function removeLink(path: string): void {
  try {
    fs.unlinkSync(path);
  } catch (e) {
    if (errnoOf(e) !== 'ENOENT') throw ioError('unlinking', path, e);
  }
}

export function exists(path: string): boolean {
  return fs.existsSync(path);
}

export interface Entry {
  name: string;
  path: string;
  kind: 'dir' | 'link' | 'file';
}

/** Directory entries with their kind (lstat, so links are links); [] if `dir` is missing. */
export function entries(dir: string): Entry[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir).sort();
  } catch (e) {
    if (errnoOf(e) === 'ENOENT') return [];
    throw ioError('listing', dir, e);
  }
  return names.map((name) => {
    const path = join(dir, name);
    const st = fs.lstatSync(path);
    const kind = st.isSymbolicLink() ? 'link' : st.isDirectory() ? 'dir' : 'file';
    return { name, path, kind };
  });
}

/** The last path component a symlink points to (configfs links point at functions/<name>). */
export function linkTargetName(path: string): string | null {
  try {
    return fs.readlinkSync(path).split('/').filter(Boolean).pop() ?? null;
  } catch (e) {
    if (errnoOf(e) === 'ENOENT') return null;
    throw ioError('reading link', path, e);
  }
}
