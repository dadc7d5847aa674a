import type { Boundary, Position } from '../core/position.js';

export interface LaneStatus {
  /** A table name; `all` with --consistency transaction; `#ddl` for DDL statements. */
  lane: string;
  lastApplied: Position | undefined;
  rowsApplied: number;
  sourceCommitTime: Date | undefined;
  appliedAt: Date;
  /** appliedAt - sourceCommitTime (the binlog's commit times have whole seconds). */
  lagMs: number | undefined;
  /** now - appliedAt, both read from the target's clock. */
  idleMs: number;
}

export interface SourceBehind {
  head: Boundary;
  /** Binlog files between the restart point and the head (0: same file; undefined: no restart point yet). */
  files: number | undefined;
  /** Bytes from the restart point to the head, known when both are in the same file. */
  bytes: number | undefined;
  /** serverIdentity() of the server --source reaches now. */
  server: string;
}

export interface StreamStatus {
  /** The source as host:port/database. */
  stream: string;
  /** Undefined while the initial snapshot has not finished. */
  restartPoint: Boundary | undefined;
  /** serverIdentity() of the source the restart point belongs to (undefined: not recorded yet). */
  sourceServer: string | undefined;
  lanes: LaneStatus[];
  source?: SourceBehind;
  /** The target connection of the `scsc replicate` running this stream now (it holds the stream lock). */
  runningOn: number | undefined;
}

export interface TargetStatus {
  target: string;
  now: Date;
  streams: StreamStatus[];
}

/** One object for --json: dates as ISO strings, absent values as null. */
export function statusJson(status: TargetStatus): Record<string, unknown> {
  return {
    ok: true,
    target: status.target,
    now: status.now.toISOString(),
    streams: status.streams.map((s) => ({
      stream: s.stream,
      restartPoint: s.restartPoint ?? null,
      sourceServer: s.sourceServer ?? null,
      running: s.runningOn !== undefined,
      runningOn: s.runningOn ?? null,
      ...(s.source === undefined ? {} : { source: { head: s.source.head, server: s.source.server, behind: { files: s.source.files ?? null, bytes: s.source.bytes ?? null } } }),
      lanes: s.lanes.map((l) => ({
        lane: l.lane,
        lastApplied: l.lastApplied ?? null,
        rowsApplied: l.rowsApplied,
        sourceCommitTime: l.sourceCommitTime?.toISOString() ?? null,
        appliedAt: l.appliedAt.toISOString(),
        lagMs: l.lagMs ?? null,
        idleMs: l.idleMs,
      })),
    })),
  };
}

/** Per stream: whether it runs, the restart point (and the source's head), then one aligned line per lane. */
export function formatStatus(status: TargetStatus): string {
  const blocks = status.streams.map((stream) => {
    const out = [`stream ${stream.stream} -> ${status.target}`];
    out.push(`  replicator     ${stream.runningOn === undefined ? 'not running' : `running (target connection ${stream.runningOn})`}`);
    const readFrom = stream.sourceServer === undefined ? '' : `  on ${stream.sourceServer}`;
    out.push(`  restart point  ${stream.restartPoint === undefined ? 'none yet: the initial snapshot has not finished' : `${boundaryText(stream.restartPoint)}${readFrom}`}`);
    if (stream.source !== undefined) out.push(`  source head    ${boundaryText(stream.source.head)}  (${behindText(stream.source, stream.sourceServer)})`);
    out.push('');
    const header = ['lane', 'last applied', 'rows', 'source commit (UTC)', 'applied at (UTC)', 'lag', 'idle for'];
    const rows = stream.lanes.map((l) => [
      l.lane,
      l.lastApplied === undefined ? '-' : `${l.lastApplied.file}:${l.lastApplied.offset}${l.lastApplied.index === 0 ? '' : `#${l.lastApplied.index}`}`,
      String(l.rowsApplied),
      l.sourceCommitTime === undefined ? '-' : timeText(l.sourceCommitTime),
      timeText(l.appliedAt),
      l.lagMs === undefined ? '-' : durationText(l.lagMs),
      durationText(l.idleMs),
    ]);
    if (rows.length === 0) out.push('  no lane has applied a change yet');
    else out.push(...alignedTable(header, rows, new Set([2, 5, 6])).map((line) => `  ${line}`));
    return out.join('\n');
  });
  return `${blocks.join('\n\n')}\n`;
}

function alignedTable(header: string[], rows: string[][], rightAligned: Set<number>): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cols: string[]): string => cols.map((c, i) => (rightAligned.has(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

function boundaryText(boundary: Boundary): string {
  return `${boundary.file}:${boundary.offset}${boundary.gtid === undefined ? '' : `  gtid ${boundary.gtid}`}`;
}

function behindText(source: SourceBehind, restartServer: string | undefined): string {
  if (restartServer !== undefined && restartServer !== source.server) {
    return `another server than the restart point's, ${source.server}: scsc replicate stops with SOURCE_CHANGED`;
  }
  if (source.files === undefined) return 'no restart point to compare yet';
  if (source.files < 0 || (source.bytes ?? 0) < 0) return 'the restart point is past the source head: binlog reset, or another server?';
  if (source.files > 0) return `${source.files} binlog file${source.files === 1 ? '' : 's'} behind`;
  return source.bytes === 0 ? 'caught up: 0 bytes behind' : `${source.bytes} bytes behind`;
}

function timeText(date: Date): string {
  return date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, '');
}

/** 350 ms, 4.2 s, 3 min 20 s, 2 h 5 min, 3 d 4 h. */
function durationText(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  if (abs < 1_000) return `${sign}${Math.round(abs)} ms`;
  if (abs < 60_000) return `${sign}${(abs / 1_000).toFixed(1)} s`;
  const seconds = Math.floor(abs / 1_000);
  if (seconds < 3_600) return `${sign}${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  if (seconds < 86_400) return `${sign}${Math.floor(seconds / 3_600)} h ${Math.floor(seconds / 60) % 60} min`;
  return `${sign}${Math.floor(seconds / 86_400)} d ${Math.floor(seconds / 3_600) % 24} h`;
}
