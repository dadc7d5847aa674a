import { isAscii } from 'node:buffer';
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, type Stats } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { constants as vmConstants, Script } from 'node:vm';

export interface CodeCacheOptions {
  /** Where cache files live; undefined runs the bundle without a cache. */
  dir: string | undefined;
  /** Part of the file name: each command keeps the functions its own runs compiled. */
  command: string;
  /** A missing or stale cache is written this long after the start, or at a successful exit that comes first. */
  writeAfterMs: number;
}

export interface CodeCacheRun {
  /** The cache file for this bundle, Node and command (undefined: no usable cache directory). */
  file: string | undefined;
  /** Whether V8 took the cached code (false: compiled from source, and a cache will be written). */
  accepted: boolean;
  /** An accepted cache written at the exit of a run shorter than writeAfterMs: a run that lasts replaces it. */
  partial: boolean;
}

/** File layout: sha256 of the rest, the writing run's age in ms (uint32), V8's cache data. */
const CHECKSUM_BYTES = 32;
const HEADER_BYTES = CHECKSUM_BYTES + 4;

/**
 * Runs a CommonJS bundle as `require` would, compiled with a V8 code cache: a snapshot of the
 * bytecode of every function an earlier run of the same command had compiled, which spares parsing
 * and compiling the bundle at each start. A cache is used only for the exact bundle, Node version
 * and architecture that wrote it (its name holds their hash, its first bytes a checksum of the
 * rest), and only from a file and directory that this user owns and no one else may write to (never
 * on a platform without POSIX owners). Anything wrong with it means compiling from source, as
 * without it.
 */
export function runWithCodeCache(bundlePath: string, options: CodeCacheOptions): CodeCacheRun {
  const started = performance.now();
  const bytes = readFileSync(bundlePath);
  // The bundler escapes every non-ASCII character of the code itself: decoding is then a copy.
  const source = isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
  const dir = options.dir === undefined ? undefined : privateDirectory(options.dir);
  const file = dir === undefined ? undefined : join(dir, cacheFileName(bytes, options.command));
  const cached = file === undefined ? undefined : readCache(file);
  const script = new Script(Module.wrap(source), {
    filename: bundlePath,
    ...(cached === undefined ? {} : { cachedData: cached.data }),
    ...(vmConstants?.USE_MAIN_CONTEXT_DEFAULT_LOADER === undefined ? {} : { importModuleDynamically: vmConstants.USE_MAIN_CONTEXT_DEFAULT_LOADER }),
  });
  const accepted = cached !== undefined && script.cachedDataRejected !== true;
  const partial = accepted && cached.writerAgeMs < options.writeAfterMs;
  if (file !== undefined && (!accepted || partial)) scheduleWrite(script, file, { started, afterMs: options.writeAfterMs, atExit: !accepted });

  const module = new Module(bundlePath);
  module.filename = bundlePath;
  const run = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;
  run.call(module.exports, module.exports, createRequire(bundlePath), module, bundlePath, dirname(bundlePath));
  return { file, accepted, partial };
}

/**
 * `<command>-<hash of bundle, Node, V8, arch, Node options>.v8cache`. V8 refuses a cache made under
 * other flags: runs with other options (a profiler, a heap size) keep their own instead of
 * overwriting each other's.
 */
export function cacheFileName(bundle: Buffer, command: string): string {
  const runtime = [process.version, process.versions.v8, process.arch, process.execArgv.join(' '), process.env.NODE_OPTIONS ?? ''].join('\0');
  const hash = createHash('sha256').update(bundle).update(`\0${runtime}`).digest('hex');
  return `${command.replace(/[^a-z0-9-]/gi, '_')}-${hash.slice(0, 24)}.v8cache`;
}

/** Owned by this user and writable by no one else (POSIX only: elsewhere nothing is trusted). */
function isPrivate(stats: Stats): boolean {
  return process.getuid !== undefined && stats.uid === process.getuid() && (stats.mode & 0o022) === 0;
}

/** The directory, created if missing; undefined unless it is private to this user. */
function privateDirectory(dir: string): string | undefined {
  if (process.getuid === undefined) return undefined;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stats = statSync(dir);
    return stats.isDirectory() && isPrivate(stats) ? dir : undefined;
  } catch {
    return undefined;
  }
}

/** The cache's data, checked on the open file itself (a regular file, private, one link) and by its checksum. */
function readCache(file: string): { data: Buffer; writerAgeMs: number } | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const stats = fstatSync(fd);
    if (!stats.isFile() || stats.nlink !== 1 || !isPrivate(stats)) return undefined;
    const content = readFileSync(fd);
    if (content.length <= HEADER_BYTES || !createHash('sha256').update(content.subarray(CHECKSUM_BYTES)).digest().equals(content.subarray(0, CHECKSUM_BYTES))) return undefined;
    return { data: content.subarray(HEADER_BYTES), writerAgeMs: content.readUInt32LE(CHECKSUM_BYTES) };
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Writes the cache `afterMs` into the run (what start-up and the first work compiled), or, if
 * allowed, at a successful exit that comes sooner (a failed run compiled little of the command).
 */
function scheduleWrite(script: Script, file: string, when: { started: number; afterMs: number; atExit: boolean }): void {
  let written = false;
  const write = (): void => {
    if (written) return;
    written = true;
    process.removeListener('exit', atExit);
    const temporary = `${file}.${process.pid}.tmp`;
    try {
      const rest = Buffer.concat([Buffer.alloc(4), script.createCachedData()]);
      rest.writeUInt32LE(Math.min(Math.round(performance.now() - when.started), 0xffffffff), 0);
      writeFileSync(temporary, Buffer.concat([createHash('sha256').update(rest).digest(), rest]), { mode: 0o600 });
      renameSync(temporary, file);
      prune(file);
    } catch {
      // a read-only or full disk: the next start compiles from source, as this one did
      rmSync(temporary, { force: true });
    }
  };
  const atExit = (code: number): void => {
    if (code === 0) write();
  };
  setTimeout(write, when.afterMs).unref();
  if (when.atExit) process.once('exit', atExit);
}

/** Caches kept per command: other Node versions or installs of scsc alternating do not evict each other. */
const KEPT_PER_COMMAND = 3;

/** The command's older caches beyond the newest few (other bundles or Node versions), and stray temporary files. */
function prune(file: string): void {
  const dir = dirname(file);
  const name = file.slice(dir.length + 1);
  const prefix = name.slice(0, name.lastIndexOf('-') + 1);
  const caches: Array<{ name: string; mtimeMs: number }> = [];
  for (const other of readdirSync(dir)) {
    const path = join(dir, other);
    if (!other.startsWith(prefix)) continue;
    if (/^[0-9a-f]{24}\.v8cache\.\d+\.tmp$/.test(other.slice(prefix.length))) {
      if (Date.now() - statSync(path).mtimeMs > 3_600_000) rmSync(path, { force: true });
    } else if (other !== name && /^[0-9a-f]{24}\.v8cache$/.test(other.slice(prefix.length))) {
      caches.push({ name: other, mtimeMs: statSync(path).mtimeMs });
    }
  }
  caches.sort((a, b) => b.mtimeMs - a.mtimeMs);
  for (const old of caches.slice(KEPT_PER_COMMAND - 1)) rmSync(join(dir, old.name), { force: true });
}
