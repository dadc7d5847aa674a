import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { ScscError } from '../core/scsc-error.js';

export interface MetricsServer {
  /** The port bound (the free one picked when 0 was asked for). */
  port: number;
  close(): Promise<void>;
}

/** Source commit to applied on the target; the binlog's whole-second timestamps make the low buckets coarse. */
const LAG_BUCKETS_SECONDS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/**
 * Prometheus metrics of `scsc replicate`, in a registry of their own (the global one stays untouched,
 * so tests and embedding programs can create several). The replicator calls the methods; `serve`
 * exposes them at GET /metrics.
 */
export class ReplicationMetrics {
  readonly registry = new Registry();
  private readonly changesReadTotal = new Counter({
    name: 'scsc_binlog_changes_read_total', help: 'Row changes read from the source binlog', registers: [this.registry],
  });
  private readonly rowsAppliedTotal = new Counter({
    name: 'scsc_rows_applied_total', help: 'Rows written to the target', labelNames: ['table'] as const, registers: [this.registry],
  });
  private readonly batchesAppliedTotal = new Counter({
    name: 'scsc_batches_applied_total', help: 'Batches committed on the target (each with its checkpoint)', labelNames: ['table'] as const, registers: [this.registry],
  });
  private readonly replicationLag = new Gauge({
    name: 'scsc_replication_lag_seconds', help: 'Source commit to target commit of the last applied batch', registers: [this.registry],
  });
  private readonly applyLag = new Histogram({
    name: 'scsc_apply_lag_seconds', help: 'Source commit to target commit per applied batch', buckets: LAG_BUCKETS_SECONDS, registers: [this.registry],
  });
  private readonly queuedBytes = new Gauge({
    name: 'scsc_queue_bytes', help: 'Bytes of changes read but not yet applied', registers: [this.registry],
  });
  private readonly checkpointFileSequence = new Gauge({
    name: 'scsc_checkpoint_file_sequence', help: 'Sequence number of the binlog file of the saved restart point', registers: [this.registry],
  });
  private readonly checkpointOffset = new Gauge({
    name: 'scsc_checkpoint_offset', help: 'Offset in that binlog file of the saved restart point', registers: [this.registry],
  });
  private readonly reconcileDriftRows = new Gauge({
    name: 'scsc_reconcile_drift_rows', help: 'Rows found different by the last reconcile pass', labelNames: ['table'] as const, registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'scsc_' });
  }

  changesRead(n: number): void {
    this.changesReadTotal.inc(n);
  }

  batchApplied(table: string, rows: number, lagMs: number | undefined): void {
    this.rowsAppliedTotal.inc({ table }, rows);
    this.batchesAppliedTotal.inc({ table });
    if (lagMs === undefined) return;
    const seconds = Math.max(0, lagMs) / 1000;
    this.replicationLag.set(seconds);
    this.applyLag.observe(seconds);
  }

  queueBytes(bytes: number): void {
    this.queuedBytes.set(bytes);
  }

  checkpoint(file: string, offset: number): void {
    this.checkpointFileSequence.set(Number(/(\d+)$/.exec(file)?.[1] ?? 0));
    this.checkpointOffset.set(offset);
  }

  reconcileDrift(table: string, rows: number): void {
    this.reconcileDriftRows.set({ table }, rows);
  }

  /** Serves GET /metrics on 127.0.0.1 (or `host`); port 0 picks a free port. */
  async serve(port: number, host = '127.0.0.1'): Promise<MetricsServer> {
    const server = createServer((request, response) => {
      const path = (request.url ?? '/').split('?')[0];
      if (request.method !== 'GET' || path !== '/metrics') {
        response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found: metrics are at GET /metrics\n');
        return;
      }
      this.registry.metrics().then(
        (text) => response.writeHead(200, { 'Content-Type': this.registry.contentType }).end(text),
        (error: unknown) => response.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`${String(error)}\n`),
      );
    });
    await listen(server, port, host);
    return {
      port: (server.address() as AddressInfo).port,
      close: () => new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      }),
    };
  }
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(new ScscError('CONFIG_INVALID', `cannot serve metrics on ${host}:${port}: ${error.code ?? error.message}`, {
        fix: 'choose a free port with --metrics-port (0 picks one), or stop the process that holds it',
        cause: error,
      }));
    });
    server.listen(port, host, () => resolve());
  });
}
