import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { register as globalRegistry } from 'prom-client';
import { ReplicationMetrics } from '../../src/observability/replication-metrics.js';

function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('ReplicationMetrics', () => {
  it('serves the replication metrics at GET /metrics on a free port, 404 elsewhere', async () => {
    const metrics = new ReplicationMetrics();
    metrics.changesRead(5);
    metrics.changesRead(2);
    metrics.batchApplied('orders', 3, 250);
    metrics.batchApplied('orders', 2, 1500);
    metrics.batchApplied('items', 4, undefined);
    metrics.queueBytes(4096);
    metrics.checkpoint('mariadb-bin.000012', 3456);
    metrics.reconcileDrift('orders', 7);

    const server = await metrics.serve(0);
    try {
      assert.ok(server.port > 0);
      const response = await fetch(`http://127.0.0.1:${server.port}/metrics`);
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
      const text = await response.text();
      assert.equal(sample(text, 'scsc_binlog_changes_read_total'), 7);
      assert.equal(sample(text, 'scsc_rows_applied_total{table="orders"}'), 5);
      assert.equal(sample(text, 'scsc_rows_applied_total{table="items"}'), 4);
      assert.equal(sample(text, 'scsc_batches_applied_total{table="orders"}'), 2);
      assert.equal(sample(text, 'scsc_batches_applied_total{table="items"}'), 1);
      assert.equal(sample(text, 'scsc_replication_lag_seconds'), 1.5);
      assert.equal(sample(text, 'scsc_apply_lag_seconds_count'), 2);
      assert.equal(sample(text, 'scsc_apply_lag_seconds_sum'), 1.75);
      assert.equal(sample(text, 'scsc_apply_lag_seconds_bucket{le="0.01"}'), 0);
      assert.equal(sample(text, 'scsc_apply_lag_seconds_bucket{le="0.25"}'), 1);
      assert.equal(sample(text, 'scsc_apply_lag_seconds_bucket{le="60"}'), 2);
      assert.equal(sample(text, 'scsc_queue_bytes'), 4096);
      assert.equal(sample(text, 'scsc_checkpoint_file_sequence'), 12);
      assert.equal(sample(text, 'scsc_checkpoint_offset'), 3456);
      assert.equal(sample(text, 'scsc_reconcile_drift_rows{table="orders"}'), 7);
      assert.match(text, /^scsc_process_cpu_seconds_total \d/m, 'default process metrics, prefixed');

      const missing = await fetch(`http://127.0.0.1:${server.port}/other`);
      assert.equal(missing.status, 404);
      await missing.text();
    } finally {
      await server.close();
    }
    await assert.rejects(fetch(`http://127.0.0.1:${server.port}/metrics`));
  });

  it('keeps each instance in its own registry, apart from the global one', async () => {
    const first = new ReplicationMetrics();
    const second = new ReplicationMetrics();
    first.changesRead(3);
    assert.match(await first.registry.metrics(), /^scsc_binlog_changes_read_total 3$/m);
    assert.match(await second.registry.metrics(), /^scsc_binlog_changes_read_total 0$/m);
    assert.doesNotMatch(await globalRegistry.metrics(), /scsc_/);
  });

  it('fails with a clear error when the port is taken', async () => {
    const holder = await new ReplicationMetrics().serve(0);
    try {
      await assert.rejects(new ReplicationMetrics().serve(holder.port), { code: 'CONFIG_INVALID', message: /cannot serve metrics on 127\.0\.0\.1:\d+: EADDRINUSE/ });
    } finally {
      await holder.close();
    }
  });
});
