import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { ScscError } from '../core/scsc-error.js';
import { childReaper, isRunning } from './child-reaper.js';
import { findBinary } from './find-binary.js';
import { findFreePort } from './free-port.js';
import { ensureKafkaClasspath } from './kafka-classpath.js';

const run = promisify(execFile);

const JVM_FLAGS = ['-Xms256m', '-Xmx512m', '-XX:+UseSerialGC', '-XX:+ExitOnOutOfMemoryError', '-Djava.awt.headless=true'];
const STOP_GRACE_MS = 10_000;
const START_ATTEMPTS = 3;

export interface KafkaBrokerOptions {
  /** Partitions of auto-created topics (num.partitions); default 1. */
  numPartitions?: number;
  /** How long to wait for the broker to answer describeCluster; default 60 s. */
  startTimeoutMs?: number;
  /** Leave the temp dir (data, config, server.log) behind after stop(), for debugging. */
  keepDataDir?: boolean;
}

export interface KafkaBroker {
  /** Bootstrap address for clients: '127.0.0.1:<port>'. */
  readonly brokers: string;
  readonly port: number;
  readonly controllerPort: number;
  readonly pid: number;
  /** Temp dir holding server.properties, the log dirs and server.log. */
  readonly dataDir: string;
  readonly logPath: string;
  /** SIGTERM, SIGKILL after 10 s, then removes dataDir; calling it again does nothing. */
  stop(): Promise<void>;
}

/**
 * Starts a throwaway single-node Kafka (KRaft, combined broker + controller) from the Maven-cached
 * jars: free ports on 127.0.0.1, a fresh temp dir, logs in a file. Resolves once describeCluster works.
 */
export async function startKafkaBroker(options: KafkaBrokerOptions = {}): Promise<KafkaBroker> {
  const { classpath } = await ensureKafkaClasspath();
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(classpath, options);
    } catch (error) {
      const portTaken = error instanceof ScscError && error.details.portTaken === true;
      if (!portTaken || attempt >= START_ATTEMPTS) throw error;
    }
  }
}

async function startOnce(classpath: string, options: KafkaBrokerOptions): Promise<KafkaBroker> {
  const port = await findFreePort();
  let controllerPort = await findFreePort();
  while (controllerPort === port) controllerPort = await findFreePort();
  const dataDir = await mkdtemp(join(tmpdir(), 'scsc-kafka-'));
  const logPath = join(dataDir, 'server.log');
  const propertiesPath = join(dataDir, 'server.properties');
  const log4jPath = join(dataDir, 'log4j.properties');
  await writeFile(propertiesPath, serverProperties(port, controllerPort, dataDir, options.numPartitions ?? 1));
  await writeFile(log4jPath, log4jProperties(logPath));
  const log4jFlag = `-Dlog4j.configuration=${pathToFileURL(log4jPath).href}`;
  const java = findBinary('java') ?? 'java';

  try {
    await run(java, [log4jFlag, '-cp', classpath, 'kafka.tools.StorageTool', 'format', '-t', clusterId(), '-c', propertiesPath], {
      timeout: 60_000,
    });
  } catch (error) {
    const output = error as { stdout?: string; stderr?: string };
    throw new ScscError('SANDBOX_START_FAILED', `Kafka storage format failed; log: ${logPath}`, {
      cause: error,
      details: { dataDir, logPath, output: `${output.stdout ?? ''}${output.stderr ?? ''}`.trim().split('\n').slice(-20).join('\n') },
    });
  }

  // JVM output before log4j is configured (bad flags, OOM) goes to the same file as the broker log.
  const consoleFd = openSync(logPath, 'a');
  const child = spawn(java, [...JVM_FLAGS, log4jFlag, '-cp', classpath, 'kafka.Kafka', propertiesPath], {
    stdio: ['ignore', consoleFd, consoleFd],
  });
  closeSync(consoleFd);
  child.on('error', () => undefined); // a failed spawn leaves child.pid unset, which the start wait reports
  childReaper.track(child, { label: 'kafka', ...(options.keepDataDir === true ? {} : { removeDirOnOrphan: dataDir }) });
  child.unref();
  const terminate = (): Promise<void> => childReaper.stop(child, STOP_GRACE_MS);
  try {
    await waitUntilServing(`127.0.0.1:${port}`, child, options.startTimeoutMs ?? 60_000);
  } catch (error) {
    await terminate();
    const logTail = await lastLines(logPath, 30);
    const portTaken = /Address already in use/.test(logTail);
    if (portTaken) await rm(dataDir, { recursive: true, force: true });
    // Otherwise dataDir stays so that the log named in the message can be read.
    throw new ScscError('SANDBOX_START_FAILED', `Kafka broker did not come up on port ${port} (${(error as Error).message}); log: ${logPath}`, {
      cause: error,
      details: { dataDir, logPath, logTail, portTaken },
    });
  }

  let stopping: Promise<void> | undefined;
  return {
    brokers: `127.0.0.1:${port}`,
    port,
    controllerPort,
    pid: child.pid ?? -1,
    dataDir,
    logPath,
    stop() {
      stopping ??= (async () => {
        await terminate();
        if (options.keepDataDir !== true) await rm(dataDir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}

function serverProperties(port: number, controllerPort: number, dataDir: string, numPartitions: number): string {
  return `${[
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    `log.dirs=${join(dataDir, 'kafka-logs')}`,
    `num.partitions=${numPartitions}`,
    'auto.create.topics.enable=true',
    'offsets.topic.replication.factor=1',
    // Fewer internal partitions make the first consumer group and transaction start faster.
    'offsets.topic.num.partitions=5',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=5',
    'min.insync.replicas=1',
    'group.initial.rebalance.delay.ms=0',
    'num.network.threads=2',
    'num.io.threads=4',
    'num.recovery.threads.per.data.dir=1',
    // The default 128 MiB dedupe buffer would take a quarter of the heap.
    'log.cleaner.dedupe.buffer.size=16777216',
  ].join('\n')}\n`;
}

function log4jProperties(logPath: string): string {
  return `${[
    'log4j.rootLogger=INFO, file',
    'log4j.appender.file=org.apache.log4j.FileAppender',
    `log4j.appender.file.File=${logPath}`,
    'log4j.appender.file.Append=true',
    'log4j.appender.file.layout=org.apache.log4j.PatternLayout',
    'log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n',
    'log4j.logger.kafka.request.logger=WARN',
    'log4j.logger.state.change.logger=WARN',
    'log4j.logger.org.apache.kafka.controller=WARN',
  ].join('\n')}\n`;
}

/** 22 base64url characters of 16 random bytes, as Kafka's Uuid; never starting with '-' (read as an option). */
function clusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

async function waitUntilServing(brokers: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const kafka = new Kafka({ clientId: 'scsc-sandbox-probe', brokers: [brokers], logLevel: logLevel.NOTHING, connectionTimeout: 1_000, retry: { retries: 0 } });
  while (Date.now() < deadline) {
    if (!isRunning(child)) throw new Error(`java exited with ${child.exitCode ?? child.signalCode ?? 'spawn error'}`);
    const admin = kafka.admin({ retry: { retries: 0 } });
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      if (cluster.brokers.length > 0) return;
    } catch {
      // not listening yet
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    await delay(250);
  }
  throw new Error(`no answer to describeCluster within ${timeoutMs} ms`);
}

async function lastLines(path: string, count: number): Promise<string> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-count).join('\n');
}
