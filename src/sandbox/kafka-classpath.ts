import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { scscCacheRoot } from '../core/cache-root.js';
import { ScscError } from '../core/scsc-error.js';
import { findBinary } from './find-binary.js';

export const KAFKA_VERSION = '3.9.1';

const ARTIFACTS = [
  'org.apache.kafka:kafka_2.13:3.9.1',
  // The Kafka POM carries no logging binding; without one the broker logs nothing at all.
  'org.slf4j:slf4j-reload4j:1.7.36',
  'ch.qos.reload4j:reload4j:1.2.25',
];
const DEPENDENCY_PLUGIN_VERSION = '3.8.1';
const MAVEN_TIMEOUT_MS = 10 * 60_000;
const LOCK_WAIT_MS = 12 * 60_000;

export interface KafkaClasspath {
  /** Absolute jar paths joined with the platform's path delimiter, ready for `java -cp`. */
  classpath: string;
  jars: string[];
  cacheDir: string;
  /** true when the cached list was used and Maven did not run. */
  fromCache: boolean;
}

interface CacheFile {
  artifacts: string[];
  jars: string[];
}

/** `$SCSC_CACHE_DIR/kafka-3.9.1`, else `${XDG_CACHE_HOME:-~/.cache}/scsc/kafka-3.9.1`. */
export function kafkaCacheDir(): string {
  return join(scscCacheRoot(), `kafka-${KAFKA_VERSION}`);
}

/** Commands that must be installed before a broker can start: java always, mvn unless the jars are cached. */
export function missingKafkaTools(cacheDir = kafkaCacheDir()): string[] {
  const missing: string[] = [];
  if (findBinary('java') === undefined) missing.push('java');
  if (findBinary('mvn') === undefined && readCache(cacheDir) === undefined) missing.push('mvn');
  return missing;
}

/**
 * The classpath of a Kafka broker: the jars of kafka_2.13 plus a reload4j logging binding, copied by
 * Maven into the cache dir once; later calls only check that every listed jar still exists.
 */
export async function ensureKafkaClasspath(options: { cacheDir?: string } = {}): Promise<KafkaClasspath> {
  const cacheDir = options.cacheDir ?? kafkaCacheDir();
  const missing = missingKafkaTools(cacheDir);
  if (missing.length > 0) {
    throw new ScscError('KAFKA_JARS_MISSING', `${missing.join(' and ')} not found on PATH (needed to run a Kafka broker)`);
  }
  const cached = readCache(cacheDir);
  if (cached !== undefined) return { ...cached, cacheDir, fromCache: true };

  await mkdir(cacheDir, { recursive: true });
  return withCacheLock(cacheDir, async () => {
    const resolvedMeanwhile = readCache(cacheDir);
    if (resolvedMeanwhile !== undefined) return { ...resolvedMeanwhile, cacheDir, fromCache: true };
    const jars = await copyJarsWithMaven(cacheDir);
    const cacheFile: CacheFile = { artifacts: ARTIFACTS, jars: jars.map((jar) => jar.slice(jarsDir(cacheDir).length + 1)) };
    const tmp = `${cachePath(cacheDir)}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify(cacheFile, null, 2)}\n`);
    await rename(tmp, cachePath(cacheDir));
    return { classpath: jars.join(delimiter), jars, cacheDir, fromCache: false };
  });
}

const cachePath = (cacheDir: string): string => join(cacheDir, 'classpath.json');
const jarsDir = (cacheDir: string): string => join(cacheDir, 'jars');

function readCache(cacheDir: string): Pick<KafkaClasspath, 'classpath' | 'jars'> | undefined {
  let parsed: Partial<CacheFile>;
  try {
    parsed = JSON.parse(readFileSync(cachePath(cacheDir), 'utf8')) as Partial<CacheFile>;
  } catch {
    return undefined;
  }
  if (JSON.stringify(parsed.artifacts) !== JSON.stringify(ARTIFACTS) || !Array.isArray(parsed.jars)) return undefined;
  const jars = parsed.jars.map((name) => join(jarsDir(cacheDir), name));
  if (jars.length === 0 || !jars.every((jar) => existsSync(jar))) return undefined;
  return { classpath: jars.join(delimiter), jars };
}

function pomXml(): string {
  const dependencies = ARTIFACTS.map((coordinates) => {
    const [groupId, artifactId, version] = coordinates.split(':');
    return `    <dependency><groupId>${groupId}</groupId><artifactId>${artifactId}</artifactId><version>${version}</version></dependency>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>scsc.sandbox</groupId>
  <artifactId>kafka-broker-jars</artifactId>
  <version>${KAFKA_VERSION}</version>
  <packaging>pom</packaging>
  <dependencies>
${dependencies.join('\n')}
  </dependencies>
  <build><pluginManagement><plugins><plugin>
    <groupId>org.apache.maven.plugins</groupId>
    <artifactId>maven-dependency-plugin</artifactId>
    <version>${DEPENDENCY_PLUGIN_VERSION}</version>
  </plugin></plugins></pluginManagement></build>
</project>
`;
}

async function copyJarsWithMaven(cacheDir: string): Promise<string[]> {
  const pom = join(cacheDir, 'pom.xml');
  const outputDir = jarsDir(cacheDir);
  await writeFile(pom, pomXml());
  await rm(outputDir, { recursive: true, force: true });
  const args = [
    '-q', '-B', '-Dstyle.color=never', '-f', pom, 'dependency:copy-dependencies',
    `-DoutputDirectory=${outputDir}`, '-DincludeScope=runtime',
  ];
  const { code, output } = await runCapturingOutput('mvn', args, cacheDir);
  const jars = existsSync(outputDir) ? (await readdir(outputDir)).filter((name) => name.endsWith('.jar')).sort() : [];
  if (code !== 0 || !jars.includes(`kafka_2.13-${KAFKA_VERSION}.jar`)) {
    throw new ScscError('KAFKA_JARS_MISSING', `Maven could not fetch the Kafka ${KAFKA_VERSION} jars (${code === null ? 'timed out' : `exit ${code}`})`, {
      details: { cacheDir, command: `mvn ${args.join(' ')}`, outputTail: output.trim().split('\n').slice(-25).join('\n') },
    });
  }
  return jars.map((name) => join(outputDir, name));
}

async function runCapturingOutput(command: string, args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    let output = '';
    const append = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-64 * 1024);
    };
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), MAVEN_TIMEOUT_MS);
    child.stdout.on('data', append);
    child.stderr.on('data', append);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ code: -1, output: `${output}\n${error.message}` });
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** Serialises first-time resolution between processes (test files run in parallel) with a lock dir. */
async function withCacheLock<T>(cacheDir: string, work: () => Promise<T>): Promise<T> {
  const lockDir = join(cacheDir, '.lock');
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      await mkdir(lockDir);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (await lockHolderIsGone(lockDir)) {
      await rm(lockDir, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new ScscError('KAFKA_JARS_MISSING', `another process has been fetching the Kafka jars for too long (lock ${lockDir})`);
    }
    await delay(500);
  }
  try {
    await writeFile(join(lockDir, 'pid'), String(process.pid));
    return await work();
  } finally {
    await rm(lockDir, { recursive: true, force: true });
  }
}

async function lockHolderIsGone(lockDir: string): Promise<boolean> {
  const pid = Number(readFileSafely(join(lockDir, 'pid')));
  if (!Number.isInteger(pid) || pid <= 0) {
    // The holder may be between mkdir and writing its pid; only an old pid-less lock is stale.
    const created = await stat(lockDir).then((s) => s.mtimeMs, () => 0);
    return Date.now() - created > 10_000;
  }
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function readFileSafely(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
}
