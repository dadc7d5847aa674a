import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import { DdlIntents, tablesFingerprint } from '../../src/checkpoint/ddl-intents.js';
import { positionKey } from '../../src/core/position.js';
import type { MariaDbServer } from '../../src/sandbox/mariadb-server.js';
import { parseStatement } from '../../src/source/ddl-statement.js';
import { mariaDbServersForTests } from '../env/mariadb.js';
import { waitForOutput, waitForTablesEqual } from '../env/replication-wait.js';
import { startCli, type RunningCli } from '../env/run-cli.js';

/*
 * DDL in the stream with both --ddl modes (source with binlog_row_metadata=FULL, as `scsc check`
 * advises; without it a backlog that spans an ALTER cannot be decoded and scsc says so), and
 * restarts of the target and the source mid-stream.
 */

const servers = mariaDbServersForTests({ source: { binlogRowMetadata: 'FULL' }, minimal: {}, target: {} });

const replicate = (database: string, ...extra: string[]): ReturnType<typeof startCli> =>
  startCli(['replicate', '--source', servers.source.url(database), '--target', servers.target.url(database), '--log-level', 'info', ...extra]);
const replicateMinimal = (database: string, ...extra: string[]): ReturnType<typeof startCli> =>
  startCli(['replicate', '--source', servers.minimal.url(database), '--target', servers.target.url(database), '--log-level', 'info', ...extra]);

/** A run of scsc catches up (`write` first, if given): `tables` of `database` equal, `checks` hold, SIGTERM ends it with exit 0. */
async function catchesUp(cli: RunningCli, from: MariaDbServer, database: string, tables: readonly string[], checks: () => Promise<void> | void, write?: string): Promise<void> {
  try {
    if (write !== undefined) await from.sql(write, database);
    await waitForTablesEqual({ server: from, database }, { server: servers.target, database }, tables, cli);
    await checks();
  } finally {
    cli.child.kill('SIGTERM');
  }
  assert.equal(await cli.exited, 0, cli.output().slice(-3000));
}

async function columns(server: MariaDbServer, database: string, table: string): Promise<string[]> {
  const rows = await server.sql(`SELECT COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '${database}' AND TABLE_NAME = '${table}' ORDER BY ORDINAL_POSITION`) as Array<{ c: string }>;
  return rows.map((r) => r.c);
}

describe('scsc replicate with DDL in the stream', { skip: servers.skip }, () => {
  it('--ddl apply: ADD COLUMN, DROP COLUMN, RENAME TABLE, TRUNCATE and CREATE TABLE reach the target, rows around them too', async () => {
    const schema = 'CREATE DATABASE dd; USE dd; CREATE TABLE t1 (id INT PRIMARY KEY, a INT, s VARCHAR(10)); CREATE TABLE t2 (id INT PRIMARY KEY, v VARCHAR(10))';
    await servers.source.sql(schema);
    await servers.target.sql(schema);
    const cli = replicate('dd');
    try {
      await waitForOutput(cli, 'streaming from the source binlog');
      await servers.source.sql([
        'INSERT INTO t1 VALUES (1, 10, "a"), (2, 20, "b")', 'INSERT INTO t2 VALUES (1, "x")',
        "ALTER TABLE t1 ADD COLUMN b VARCHAR(10) NOT NULL DEFAULT 'new'",
        "INSERT INTO t1 VALUES (3, 30, 'c', 'bee')", 'UPDATE t1 SET b = CONCAT(b, "!") WHERE id = 1',
        'ALTER TABLE t1 DROP COLUMN a', "INSERT INTO t1 VALUES (4, 'd', 'dee')",
        'RENAME TABLE t2 TO t3', 'INSERT INTO t3 VALUES (2, "y")',
        'TRUNCATE t3', 'INSERT INTO t3 VALUES (3, "z")',
        'CREATE TABLE t4 (id INT PRIMARY KEY, w DATETIME(6))', "INSERT INTO t4 VALUES (1, '2024-01-01 00:00:00.5')",
      ].join(';\n'), 'dd');
      await waitForTablesEqual({ server: servers.source, database: 'dd' }, { server: servers.target, database: 'dd' }, ['t1', 't3', 't4'], cli);
      assert.deepEqual(await columns(servers.target, 'dd', 't1'), ['id', 's', 'b']);
      assert.deepEqual(await columns(servers.target, 'dd', 't2'), [], 't2 was renamed away');
      assert.match(cli.output(), /DDL in the stream/);
      assert.doesNotMatch(cli.output(), /decoded with their definitions after it/, 'the source logs FULL metadata');
    } finally {
      cli.child.kill('SIGTERM');
    }
    assert.equal(await cli.exited, 0, cli.output().slice(-3000));
  });

  it('--ddl stop: stops before the DDL with every earlier change applied; a restart with --ddl apply goes on', async () => {
    const schema = 'CREATE DATABASE ds; USE ds; CREATE TABLE t (id INT PRIMARY KEY, a INT)';
    await servers.source.sql(schema);
    await servers.target.sql(schema);
    const stopping = replicate('ds', '--ddl', 'stop');
    await waitForOutput(stopping, 'streaming from the source binlog');
    await servers.source.sql('INSERT INTO t VALUES (1, 1), (2, 2); ALTER TABLE t ADD COLUMN c INT; INSERT INTO t VALUES (3, 3, 3)', 'ds');
    assert.equal(await stopping.exited, 4, stopping.output().slice(-3000));
    assert.match(stopping.output(), /error DDL_STOPPED: DDL on t at binlog\.\d+:\d+ with --ddl stop: ALTER TABLE t ADD COLUMN c INT/);
    assert.match(stopping.output(), /by hand in a session set up as the source's \(SET SESSION sql_mode = \d+, collation_connection = \d+, timestamp = \d+(?:\.\d{6})?\)/, 'no explicit_defaults_for_timestamp: the statement names no TIMESTAMP');
    assert.deepEqual(await servers.target.sql('SELECT id FROM ds.t ORDER BY id'), [{ id: 1 }, { id: 2 }]);
    assert.deepEqual(await columns(servers.target, 'ds', 't'), ['id', 'a']);

    const again = replicate('ds', '--ddl', 'apply');
    try {
      await waitForTablesEqual({ server: servers.source, database: 'ds' }, { server: servers.target, database: 'ds' }, ['t'], again);
      assert.deepEqual(await columns(servers.target, 'ds', 't'), ['id', 'a', 'c']);
    } finally {
      again.child.kill('SIGTERM');
    }
    assert.equal(await again.exited, 0, again.output().slice(-3000));
  });
});

describe('scsc replicate from a source without FULL row metadata', { skip: servers.skip }, () => {
  it('reads rows after a DDL with what it left (from the target when the source changed again), warns when it read definitions too late, and names the fix when a backlog cannot be decoded without recorded definitions', async () => {
    const schema = [
      'CREATE DATABASE dm; USE dm; CREATE TABLE t (id INT PRIMARY KEY, a INT, s VARCHAR(10))',
      "CREATE TABLE e (id INT PRIMARY KEY, v ENUM('a','b','c'), st SET('x','y'), a INT, b VARCHAR(10))",
    ].join(';\n');
    await servers.minimal.sql(schema);
    await servers.target.sql(schema);
    const both = ['t', 'e'];
    const tooLate = /"tables":\["e"\].*decoded with their definitions after it.*scsc reconcile --include e/;
    const first = replicateMinimal('dm');
    try {
      await waitForOutput(first, 'streaming from the source binlog');
      // Rows right behind each DDL: the binlog names neither their columns nor their ENUM/SET values.
      await servers.minimal.sql([
        "INSERT INTO t VALUES (1, 1, 'a'); ALTER TABLE t ADD COLUMN b INT; INSERT INTO t VALUES (2, 2, 'b', 2)",
        "INSERT INTO e VALUES (1, 'c', 'y', 1, 'one'), (2, 'a', 'x,y', 2, 'two')",
        "ALTER TABLE e MODIFY v ENUM('c','b','a','d'), MODIFY st SET('y','z','x')",
        "INSERT INTO e VALUES (10, 'c', 'y', 10, 'ten'), (11, 'd', 'z,x', 11, 'eleven'); UPDATE e SET v = 'a' WHERE id = 1",
      ].join(';\n'), 'dm');
      await waitForTablesEqual({ server: servers.minimal, database: 'dm' }, { server: servers.target, database: 'dm' }, both, first);
      await servers.minimal.sql("ALTER TABLE e RENAME COLUMN a TO b, RENAME COLUMN b TO a; INSERT INTO e VALUES (12, 'b', 'x', 12, 'twelve')", 'dm');
      await waitForTablesEqual({ server: servers.minimal, database: 'dm' }, { server: servers.target, database: 'dm' }, both, first);
      assert.doesNotMatch(first.output(), /decoded with their definitions after it/, 'every definition was read before the rows after it');

      // scsc reads the first ALTER only after the second has run (it is stopped meanwhile): the source holds what the
      // second left, the target (which runs each DDL too) what the first left, and the rows between take that. The
      // same for a table created, filled and altered meanwhile.
      first.child.kill('SIGSTOP');
      await servers.minimal.sql([
        "ALTER TABLE e MODIFY v ENUM('d','c','b','a')", "INSERT INTO e VALUES (21, 'b', 'x', 21, 'twenty-one')",
        "ALTER TABLE e MODIFY v ENUM('a','b','c','d')", "INSERT INTO e VALUES (22, 'b', 'x', 22, 'twenty-two')",
        "CREATE TABLE c (id INT PRIMARY KEY, v ENUM('a','b'), s VARCHAR(10))", "INSERT INTO c VALUES (1, 'b', 'one'), (2, 'a', 'two')",
        "ALTER TABLE c MODIFY v ENUM('b','a'), ADD COLUMN w INT", "INSERT INTO c VALUES (3, 'a', 'three', 3)",
      ].join(';\n'), 'dm').finally(() => first.child.kill('SIGCONT'));
      await waitForTablesEqual({ server: servers.minimal, database: 'dm' }, { server: servers.target, database: 'dm' }, [...both, 'c'], first);
      assert.match(first.output(), /"tables":\["e"\].*changed these tables again after this DDL/);
      assert.match(first.output(), /"tables":\["c"\].*changed these tables again after this DDL/);
      assert.doesNotMatch(first.output(), /decoded with their definitions after it/);

      // A target defined otherwise than the source (here a default) may run the DDL into other definitions: not
      // taken, and the rows between are told of.
      await servers.target.sql("ALTER TABLE e ALTER COLUMN a SET DEFAULT 'five'", 'dm');
      first.child.kill('SIGSTOP');
      await servers.minimal.sql([
        "ALTER TABLE e MODIFY v ENUM('c','a','b','d')", "INSERT INTO e VALUES (23, 'b', 'x', 23, 'w23')",
        "ALTER TABLE e MODIFY v ENUM('a','b','c','d')", "INSERT INTO e VALUES (24, 'b', 'x', 24, 'w24')",
      ].join(';\n'), 'dm').finally(() => first.child.kill('SIGCONT'));
      await waitForOutput(first, tooLate);
    } finally {
      first.child.kill('SIGTERM');
    }
    assert.equal(await first.exited, 0, first.output().slice(-3000));

    // While nothing reads: rows of e, then an ALTER of its ENUM; rows with four columns of t, then a DROP. The
    // definitions this run recorded are gone (a target of an earlier version): a new reader only knows today's.
    await servers.target.sql('DELETE FROM dm._scsc_definitions');
    await servers.minimal.sql([
      "INSERT INTO e VALUES (30, 'c', 'x', 30, 'thirty'); ALTER TABLE e MODIFY v ENUM('d','c','b','a')",
      "INSERT INTO t VALUES (3, 3, 'c', 3); ALTER TABLE t DROP COLUMN a; INSERT INTO t VALUES (4, 'd', 4)",
    ].join(';\n'), 'dm');
    const second = replicateMinimal('dm');
    assert.equal(await second.exited, 4, second.output().slice(-3000));
    assert.match(second.output(), tooLate);
    assert.match(second.output(), /error BINLOG_UNREADABLE: cannot decode rows of .*dm.*binlog_row_metadata = 'FULL'/);
  });
});

describe('scsc replicate reading an online schema change from a backlog, from a source without FULL row metadata', { skip: servers.skip }, () => {
  it('decodes the shadow table\'s rows with what CREATE ... LIKE and ALTER left on the target, though the source no longer has it', async () => {
    const schema = "CREATE DATABASE os; USE os; CREATE TABLE t (id INT PRIMARY KEY, state ENUM('a','b'), qty INT)";
    await servers.minimal.sql(schema);
    await servers.target.sql(schema);
    const first = replicateMinimal('os');
    try {
      await waitForOutput(first, 'streaming from the source binlog');
      await servers.minimal.sql("INSERT INTO t VALUES (1, 'a', 1), (2, 'b', 2), (3, 'a', 3)", 'os');
      await waitForTablesEqual({ server: servers.minimal, database: 'os' }, { server: servers.target, database: 'os' }, ['t'], first);
    } finally {
      first.child.kill('SIGTERM');
    }
    assert.equal(await first.exited, 0, first.output().slice(-3000));
    // gh-ost's steps (as it writes them) while nothing reads: a shadow table LIKE t, altered, filled and kept up to
    // date, then swapped in.
    await servers.minimal.sql([
      'create /* gh-ost */ table `os`.`_t_gho` like `os`.`t`', "alter /* gh-ost */ table `os`.`_t_gho` ADD COLUMN note VARCHAR(10), MODIFY state ENUM('b','a','c')",
      'INSERT INTO _t_gho (id, state, qty) SELECT id, state, qty FROM t', 'UPDATE t SET qty = 20 WHERE id = 2',
      "REPLACE INTO _t_gho (id, state, qty) VALUES (2, 'b', 20)", 'rename /* gh-ost */ table `os`.`t` to `os`.`_t_del`, `os`.`_t_gho` to `os`.`t`',
      'drop /* gh-ost */ table if exists `os`.`_t_del`', "INSERT INTO t VALUES (4, 'c', 4, 'four')",
    ].join(';\n'), 'os');
    const second = replicateMinimal('os');
    await catchesUp(second, servers.minimal, 'os', ['t'], () => {
      assert.match(second.output(), /"tables":\["_t_gho"\].*changed these tables again after this DDL/);
      assert.doesNotMatch(second.output(), /decoded with their definitions after it/);
    });
  });
});

describe('scsc replicate restarting into a backlog across DDL, from a source without FULL row metadata', { skip: servers.skip }, () => {
  it('decodes the rows before each DDL with the definitions recorded for them, not with today\'s', async () => {
    const schema = "CREATE DATABASE dh; USE dh; CREATE TABLE e (id INT PRIMARY KEY, v ENUM('a','b','c'), a INT, b VARCHAR(10))";
    /** A restart that starts from recorded definitions other than today's, catches up exactly and warns of nothing read too late. */
    const restartCatchesUp = async (): Promise<void> => {
      const cli = replicateMinimal('dh');
      try {
        await waitForTablesEqual({ server: servers.minimal, database: 'dh' }, { server: servers.target, database: 'dh' }, ['e'], cli);
        assert.match(cli.output(), /"tables":\["e"\].*defined otherwise at the restart point/);
        assert.doesNotMatch(cli.output(), /decoded with their definitions after it/);
      } finally {
        cli.child.kill('SIGTERM');
      }
      assert.equal(await cli.exited, 0, cli.output().slice(-3000));
    };
    await servers.minimal.sql(schema);
    await servers.target.sql(schema);
    // Reads the ALTER (recording what it left) and stops before applying it: the restart point stays before it.
    const first = replicateMinimal('dh', '--ddl', 'stop');
    await waitForOutput(first, 'streaming from the source binlog');
    await servers.minimal.sql("INSERT INTO e VALUES (1, 'c', 1, 'one'); ALTER TABLE e MODIFY v ENUM('c','b','a'); INSERT INTO e VALUES (2, 'c', 2, 'two')", 'dh');
    assert.equal(await first.exited, 4, first.output().slice(-3000));
    assert.match(first.output(), /DDL_STOPPED/);

    // While nothing reads: more rows, then DDL that swaps two columns' names and reorders the ENUM again.
    await servers.minimal.sql([
      "INSERT INTO e VALUES (3, 'a', 3, 'three'), (4, 'b', 4, 'four')",
      "ALTER TABLE e RENAME COLUMN a TO b, RENAME COLUMN b TO a, MODIFY v ENUM('b','a','c')",
      "INSERT INTO e VALUES (5, 'b', 5, 'five'), (6, 'c', 6, 'six')",
    ].join(';\n'), 'dh');
    await restartCatchesUp();

    // Stopped with everything applied, then rows and DDL no run has read: the rows before it take the definitions the last run recorded.
    await servers.minimal.sql([
      "INSERT INTO e VALUES (7, 'a', 7, 'seven'); UPDATE e SET v = 'c', a = 'uno' WHERE id = 1",
      "ALTER TABLE e RENAME COLUMN a TO b, RENAME COLUMN b TO a, MODIFY v ENUM('c','a','b')",
      "INSERT INTO e VALUES (8, 'b', 8, 'eight')",
    ].join(';\n'), 'dh');
    await restartCatchesUp();

    // A change the binlog does not show (sql_log_bin = 0, made on both sides by hand): past the point where the
    // restart read today's definitions, rows take them, and the user is told which table to compare.
    const hidden = "ALTER TABLE e MODIFY v ENUM('a','b','c')";
    await servers.minimal.sql(`SET SESSION sql_log_bin = 0; ${hidden}; SET SESSION sql_log_bin = 1`, 'dh');
    await servers.target.sql(hidden, 'dh');
    const fourth = replicateMinimal('dh');
    try {
      await waitForOutput(fourth, /"tables":\["e"\].*changed on the source without DDL in the binlog.*scsc reconcile --include e/);
      await servers.minimal.sql("INSERT INTO e VALUES (9, 'a', 9, 'nine'); UPDATE e SET v = 'c' WHERE id = 8", 'dh');
      await waitForTablesEqual({ server: servers.minimal, database: 'dh' }, { server: servers.target, database: 'dh' }, ['e'], fourth);
    } finally {
      fourth.child.kill('SIGTERM');
    }
    assert.equal(await fourth.exited, 0, fourth.output().slice(-3000));
  });
});

describe('scsc replicate killed while the target runs a DDL', { skip: servers.skip }, () => {
  it('does not run it again after the restart: a column swap stays swapped once', async () => {
    await servers.source.sql(`CREATE DATABASE di; USE di; CREATE TABLE big (id INT PRIMARY KEY, a INT, b VARCHAR(20));
      INSERT INTO big SELECT seq, seq, CONCAT('row ', seq) FROM seq_1_to_400000`);
    await servers.target.sql('CREATE DATABASE di');
    const first = replicate('di');
    await waitForTablesEqual({ server: servers.source, database: 'di' }, { server: servers.target, database: 'di' }, ['big'], first);
    // FORCE copies the table: the target takes a while, and goes on when scsc dies.
    const watcher = await mysql.createConnection({ host: servers.target.host, port: servers.target.port, user: 'root' });
    try {
      const altering = servers.source.sql("ALTER TABLE big RENAME COLUMN a TO b, RENAME COLUMN b TO a, FORCE; INSERT INTO big VALUES (400001, 1, 'after')", 'di');
      const running = async (): Promise<boolean> => {
        const [rows] = await watcher.query("SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE INFO LIKE 'ALTER TABLE%big%'");
        return Number((rows as Array<{ n: number }>)[0]?.n) === 1;
      };
      const since = Date.now();
      while (!(await running())) {
        assert.ok(Date.now() - since < 60_000, `the target never ran the ALTER:\n${first.output().slice(-2000)}`);
        await delay(2);
      }
      first.child.kill('SIGKILL');
      await first.exited;
      await altering;
      while (await running()) await delay(50);
    } finally {
      await watcher.end();
    }
    assert.deepEqual(await columns(servers.target, 'di', 'big'), ['id', 'b', 'a'], 'the ALTER finished on the target after scsc died');

    const second = replicate('di');
    await catchesUp(second, servers.source, 'di', ['big'], async () => {
      assert.match(second.output(), /this DDL ran on the target before scsc stopped/);
      assert.deepEqual(await columns(servers.target, 'di', 'big'), ['id', 'b', 'a']);
    });
  });
});

describe('scsc replicate restarting after a table swap it ran but did not checkpoint', { skip: servers.skip }, () => {
  it('tells the two tables apart by their InnoDB ids, though they are defined alike, and does not swap them back', async () => {
    await servers.source.sql("CREATE DATABASE dw; USE dw; CREATE TABLE live (id INT PRIMARY KEY, v VARCHAR(10)); CREATE TABLE staging LIKE live; INSERT INTO live VALUES (1, 'old'); INSERT INTO staging VALUES (1, 'new')");
    await servers.target.sql('CREATE DATABASE dw');
    const swap = 'RENAME TABLE live TO tmp, staging TO live, tmp TO staging';
    const first = replicate('dw', '--ddl', 'stop');
    await waitForTablesEqual({ server: servers.source, database: 'dw' }, { server: servers.target, database: 'dw' }, ['live', 'staging'], first);
    await servers.source.sql(swap, 'dw');
    assert.equal(await first.exited, 4, first.output().slice(-3000));
    const at = /DDL_STOPPED: DDL on \S+ at (\S+):(\d+)/.exec(first.output());
    assert.ok(at?.[1] !== undefined && at[2] !== undefined, first.output().slice(-2000));

    // What a run killed between running the swap and its checkpoint leaves: the note, and the swap done.
    const pool = mysql.createPool({ host: servers.target.host, port: servers.target.port, user: 'root' });
    try {
      const [streams] = await pool.query('SELECT DISTINCT stream FROM dw._scsc_checkpoint');
      const stream = String((streams as Array<{ stream: string }>)[0]?.stream);
      const tables = parseStatement(swap, 'dw').tables.map(([, table]) => table);
      const intents = new DdlIntents(pool, 'dw', stream);
      assert.equal(await intents.ensureTable(), true);
      await intents.note(positionKey({ file: at[1], offset: Number(at[2]), index: 1 }), await tablesFingerprint(pool, 'dw', tables));
      await pool.query('RENAME TABLE dw.live TO dw.tmp, dw.staging TO dw.live, dw.tmp TO dw.staging');
    } finally {
      await pool.end();
    }

    const second = replicate('dw');
    await catchesUp(second, servers.source, 'dw', ['live', 'staging'], () => {
      assert.match(second.output(), /this DDL ran on the target before scsc stopped/);
    }, "INSERT INTO live VALUES (2, 'newer')");
  });
});

describe('scsc replicate after the target refused a DDL and the user fixed the table', { skip: servers.skip }, () => {
  it('runs the DDL on the restart: the refusal dropped its note', async () => {
    const schema = 'CREATE DATABASE dr; USE dr; CREATE TABLE t (id INT PRIMARY KEY, x INT)';
    await servers.source.sql(schema);
    await servers.target.sql(schema);
    const first = replicate('dr');
    await waitForOutput(first, 'streaming from the source binlog');
    // The target drifts (column x gone), so it refuses the next DDL.
    await servers.target.sql('ALTER TABLE t DROP COLUMN x', 'dr');
    await servers.source.sql('ALTER TABLE t ADD COLUMN c INT AFTER x', 'dr');
    assert.equal(await first.exited, 4, first.output().slice(-3000));
    assert.match(first.output(), /APPLY_FAILED: the target refused DDL from the source/);

    await servers.target.sql('ALTER TABLE t ADD COLUMN x INT', 'dr');
    const second = replicate('dr');
    await catchesUp(second, servers.source, 'dr', ['t'], async () => {
      assert.deepEqual(await columns(servers.target, 'dr', 't'), ['id', 'x', 'c']);
      assert.doesNotMatch(second.output(), /this DDL ran on the target before/);
    }, 'INSERT INTO t VALUES (1, 1, 1)');
  });
});

describe('scsc replicate across server restarts', { skip: servers.skip }, () => {
  it('resumes by itself after the target and then the source restart mid-stream', async () => {
    const schema = 'CREATE DATABASE rs; USE rs; CREATE TABLE k (id INT PRIMARY KEY, n BIGINT NOT NULL, note VARCHAR(40))';
    await servers.source.sql(schema);
    await servers.target.sql(schema);
    const cli = replicate('rs', '--metrics-port', '0');
    const stop = new AbortController();
    let written = 0;
    const workload = (async (): Promise<void> => {
      while (!stop.signal.aborted) {
        try {
          const connection = await mysql.createConnection({ host: servers.source.host, port: servers.source.port, user: 'root', database: 'rs' });
          try {
            while (!stop.signal.aborted) {
              const id = 1 + Math.floor(Math.random() * 200);
              await connection.query('INSERT INTO k VALUES (?, 1, ?) ON DUPLICATE KEY UPDATE n = n + 1, note = VALUES(note)', [id, `w${written}`]);
              if (written % 7 === 0) await connection.query('DELETE FROM k WHERE id = ?', [id + 1]);
              written++;
              await delay(2);
            }
          } finally {
            await connection.end().catch(() => undefined);
          }
        } catch {
          await delay(200); // the source is restarting
        }
      }
    })();
    try {
      await waitForOutput(cli, 'streaming from the source binlog');
      await delay(1500);
      await servers.target.restart(1500);
      await delay(1500);
      await servers.source.restart(1500);
      await delay(2000);
      stop.abort();
      await workload;
      assert.ok(written > 100, `only ${written} writes`);
      await waitForTablesEqual({ server: servers.source, database: 'rs' }, { server: servers.target, database: 'rs' }, ['k'], cli);
      assert.equal(cli.child.exitCode, null, 'scsc kept running through both restarts');
      const url = /"url":"(http:\/\/127\.0\.0\.1:\d+\/metrics)"/.exec(cli.output())?.[1];
      assert.ok(url !== undefined, 'no metrics URL in the log');
      const metrics = await (await fetch(url)).text();
      assert.ok(Number(/^scsc_rows_applied_total\{table="k"\} (\d+)/m.exec(metrics)?.[1] ?? 0) > 0, metrics.slice(0, 2000));
      assert.match(metrics, /^scsc_checkpoint_offset \d+/m);
      assert.match(cli.output(), /target write failed; retrying|binlog connection lost; reconnecting/);
      // The stream lock went with the target's restart; the process holds it again.
      await waitForOutput(cli, 'stream lock taken again');
    } finally {
      stop.abort();
      cli.child.kill('SIGTERM');
    }
    assert.equal(await cli.exited, 0, cli.output().slice(-3000));
  });
});
