import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, rm, unlink } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { startKafkaBroker } from '../../src/sandbox/kafka-broker.js';
import { ensureKafkaClasspath } from '../../src/sandbox/kafka-classpath.js';
import { findBinary } from '../../src/sandbox/find-binary.js';
import { kafkaBrokerForTests } from '../env/kafka.js';
import { portAcceptsConnections } from '../env/net-probe.js';

const kafka = kafkaBrokerForTests();

function client(brokers: string): Kafka {
  return new Kafka({ clientId: 'scsc-test', brokers: [brokers], logLevel: logLevel.NOTHING, connectionTimeout: 2_000, retry: { retries: 2 } });
}

async function withTimeout<T>(promise: Promise<T>, ms: number, message: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message())), ms);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('Kafka broker sandbox', { skip: kafka.skip }, () => {
  it('round-trips keyed messages through a 3-partition topic with an idempotent producer and a consumer group', async () => {
    const topic = 'smoke.orders';
    const admin = client(kafka.broker.brokers).admin();
    await admin.connect();
    assert.equal(await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true }), true);

    const sent = Array.from({ length: 60 }, (_, seq) => ({ key: `k${seq % 12}`, value: `v${seq}` }));
    const producer = client(kafka.broker.brokers).producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    for (let i = 0; i < sent.length; i += 20) {
      await producer.send({ topic, acks: -1, messages: sent.slice(i, i + 20) });
    }
    await producer.disconnect();

    const received = new Map<number, { key: string; value: string; offset: string }[]>();
    const consumer = client(kafka.broker.brokers).consumer({ groupId: 'smoke-group' });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    let count = 0;
    const allReceived = new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: ({ partition, message }) => {
          const list = received.get(partition) ?? [];
          list.push({ key: message.key?.toString() ?? '', value: message.value?.toString() ?? '', offset: message.offset });
          received.set(partition, list);
          if (++count === sent.length) resolve();
          return Promise.resolve();
        },
      });
    });
    try {
      await withTimeout(allReceived, 30_000, () => `only ${count} of ${sent.length} messages consumed`);
    } finally {
      await consumer.disconnect();
    }

    assert.equal(count, sent.length);
    assert.ok(received.size >= 2, `keys should spread over partitions, got ${[...received.keys()].join(',')}`);
    const partitionOfKey = new Map<string, number>();
    for (const [partition, messages] of received) {
      for (const { key } of messages) {
        assert.equal(partitionOfKey.get(key) ?? partition, partition, `key ${key} landed in two partitions`);
        partitionOfKey.set(key, partition);
      }
      const keysHere = new Set(messages.map((m) => m.key));
      const expected = sent.filter((m) => keysHere.has(m.key));
      assert.deepEqual(messages.map(({ key, value }) => ({ key, value })), expected, `partition ${partition} order`);
      assert.deepEqual(messages.map((m) => m.offset), expected.map((_, i) => String(i)), `partition ${partition} offsets`);
    }
    assert.equal(partitionOfKey.size, 12);

    const highWatermarks = await admin.fetchTopicOffsets(topic);
    assert.equal(highWatermarks.reduce((sum, p) => sum + Number(p.high), 0), sent.length);
    const committed = await admin.fetchOffsets({ groupId: 'smoke-group', topics: [topic] });
    assert.deepEqual(
      committed[0]?.partitions.map((p) => [p.partition, Number(p.offset)]).sort(),
      highWatermarks.map((p) => [p.partition, Number(p.high)]).sort(),
    );
    await admin.disconnect();
  });

  it('stops a broker: process gone, port closed, data dir removed, clients refused, second stop a no-op', async () => {
    const second = await startKafkaBroker();
    let stopped = false;
    try {
      assert.notEqual(second.port, kafka.broker.port);
      assert.equal(second.brokers, `127.0.0.1:${second.port}`);
      const admin = client(second.brokers).admin();
      await admin.connect();
      const cluster = await admin.describeCluster();
      await admin.disconnect();
      assert.deepEqual(cluster.brokers, [{ nodeId: 1, host: '127.0.0.1', port: second.port }]);
      assert.equal(cluster.controller, 1);
      assert.ok(existsSync(second.logPath));
      assert.ok(isAlive(second.pid));

      await second.stop();
      stopped = true;
      assert.equal(isAlive(second.pid), false);
      assert.equal(await portAcceptsConnections(second.port), false);
      assert.equal(existsSync(second.dataDir), false);
      const refused = new Kafka({ clientId: 'scsc-test', brokers: [second.brokers], logLevel: logLevel.NOTHING, connectionTimeout: 1_000, retry: { retries: 0 } }).admin();
      await assert.rejects(refused.connect(), /connect|ECONNREFUSED/i);

      const started = Date.now();
      await second.stop();
      assert.ok(Date.now() - started < 1_000, 'the second stop() returns at once');
    } finally {
      if (!stopped) await second.stop();
    }
  });

  describe('jar cache', () => {
    let copyDir: string;
    before(async () => {
      copyDir = await mkdtemp(join(tmpdir(), 'scsc-kafka-cache-'));
    });
    after(async () => {
      await rm(copyDir, { recursive: true, force: true });
    });

    it('answers later calls from the cached classpath without running Maven', async () => {
      const first = await ensureKafkaClasspath();
      const again = await ensureKafkaClasspath();
      assert.equal(again.fromCache, true);
      assert.equal(again.classpath, first.classpath);
      assert.deepEqual(again.jars, first.jars);
      const names = again.jars.map((jar) => basename(jar));
      for (const jar of ['kafka_2.13-3.9.1.jar', 'kafka-clients-3.9.1.jar', 'slf4j-reload4j-1.7.36.jar', 'reload4j-1.2.25.jar']) {
        assert.ok(names.includes(jar), `${jar} is on the classpath`);
      }
      assert.ok(again.jars.every((jar) => existsSync(jar)));
    });

    it('re-resolves with Maven when a cached jar has gone missing', { skip: findBinary('mvn') === undefined && process.env.CI !== 'true' && 'needs mvn (sudo apt-get install -y maven)' }, async () => {
      const { cacheDir, jars } = await ensureKafkaClasspath();
      await cp(cacheDir, copyDir, { recursive: true });
      const removed = join(copyDir, 'jars', 'reload4j-1.2.25.jar');
      await unlink(removed);

      const repaired = await ensureKafkaClasspath({ cacheDir: copyDir });
      assert.equal(repaired.fromCache, false);
      assert.equal(repaired.cacheDir, copyDir);
      assert.ok(existsSync(removed));
      assert.deepEqual(repaired.jars.map((jar) => basename(jar)), jars.map((jar) => basename(jar)));
      assert.equal((await ensureKafkaClasspath({ cacheDir: copyDir })).fromCache, true);
    });
  });
});
