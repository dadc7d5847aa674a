import { isAscii } from 'node:buffer';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { constants as vmConstants, Script } from 'node:vm';

export interface CodeCacheOptions {
  /** Where cache files live; undefined runs the bundle without a cache. */
  dir: string | undefined;
  /** Part of the file name: each command keeps the functions its own runs compiled. */
  command: string;
  /** A missing or stale cache is written this long after the start, or at exit if that comes first. */
  writeAfterMs: number;
}

export interface CodeCacheRun {
  /** The cache file for this bundle, Node and command (undefined: no usable cache directory). */
  file: string | undefined;
  /** Whether V8 took the cached code (false: compiled from source, and a cache will be written). */
  accepted: boolean;
  /** An accepted cache written at the exit of a short run (a usage error, --help): a run that lasts replaces it. */
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
 * rest), from a directory only this user can write. Anything wrong with it means compiling from
 * source, as without it.
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

/** `<command>-<hash of bundle, Node, V8, arch>.v8cache` */
export function cacheFileName(bundle: Buffer, command: string): string {
  const hash = createHash('sha256').update(bundle).update(`\0${process.version}\0${process.versions.v8}\0${process.arch}`).digest('hex');
  return `${command.replace(/[^a-z0-9-]/gi, '_')}-${hash.slice(0, 24)}.v8cache`;
}

/** The directory, created if missing; undefined when another user owns it or others may write to it. */
function privateDirectory(dir: string): string | undefined {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stats = statSync(dir);
    if (!stats.isDirectory()) return undefined;
    if (process.getuid !== undefined && (stats.uid !== process.getuid() || (stats.mode & 0o022) !== 0)) return undefined;
    return dir;
  } catch {
    return undefined;
  }
}

function readCache(file: string): { data: Buffer; writerAgeMs: number } | undefined {
  try {
    const content = readFileSync(file);
    if (content.length <= HEADER_BYTES || !createHash('sha256').update(content.subarray(CHECKSUM_BYTES)).digest().equals(content.subarray(0, CHECKSUM_BYTES))) return undefined;
    return { data: content.subarray(HEADER_BYTES), writerAgeMs: content.readUInt32LE(CHECKSUM_BYTES) };
  } catch {
    return undefined;
  }
}

/** Writes the cache `afterMs` into the run (what start-up and the first work compiled), or at exit if allowed and sooner. */
function scheduleWrite(script: Script, file: string, when: { started: number; afterMs: number; atExit: boolean }): void {
  let written = false;
  const write = (): void => {
    if (written) return;
    written = true;
    process.removeListener('exit', write);
    try {
      const rest = Buffer.concat([Buffer.alloc(4), script.createCachedData()]);
      rest.writeUInt32LE(Math.min(Math.round(performance.now() - when.started), 0xffffffff), 0);
      const temporary = `${file}.${process.pid}.tmp`;
      writeFileSync(temporary, Buffer.concat([createHash('sha256').update(rest).digest(), rest]), { mode: 0o600 });
      renameSync(temporary, file);
      removeStale(file);
    } catch {
      // a read-only or full disk: the next start compiles from source, as this one did
    }
  };
  setTimeout(write, when.afterMs).unref();
  if (when.atExit) process.once('exit', write);
}

/** Earlier caches of the same command (another bundle or Node): never used again. */
function removeStale(file: string): void {
  const dir = dirname(file);
  const name = file.slice(dir.length + 1);
  const prefix = name.slice(0, name.lastIndexOf('-') + 1);
  for (const other of readdirSync(dir)) {
    if (other !== name && other.startsWith(prefix) && /^[0-9a-f]{24}\.v8cache$/.test(other.slice(prefix.length))) rmSync(join(dir, other), { force: true });
  }
}
