import mysql from 'mysql2/promise';
import type { MariaDbServer } from './mariadb-server.js';

export interface DemoWorkload {
  /** Transactions committed so far. */
  readonly transactions: number;
  /** Ends the loop; resolves once the last transaction is committed. */
  stop(): Promise<void>;
}

/**
 * Writes a shop's traffic to the demo's source as fast as one connection goes: new customers,
 * orders with their lines in one transaction, status changes, price changes, cancelled orders
 * removed (lines first: FK cascades are not in the binlog).
 */
export function startDemoWorkload(source: MariaDbServer, database: string): DemoWorkload {
  let running = true;
  let transactions = 0;
  const loop = (async (): Promise<void> => {
    const db = await mysql.createConnection({ host: source.host, port: source.port, user: 'root', database });
    db.on('error', () => undefined); // a server gone: the next query fails and ends the loop
    try {
      while (running) {
        const step = transactions % 10;
        const n = transactions;
        await db.query('START TRANSACTION');
        if (step < 4) {
          const [order] = await db.query<mysql.ResultSetHeader>(
            "INSERT INTO orders (customer_id, status, total, placed_at) VALUES (1 + ? % 3, 'new', ?, UTC_TIMESTAMP(6))", [n, (n % 9000) / 100]);
          await db.query("INSERT INTO order_items VALUES (?, 1, 'BOOK-1', 1), (?, 2, 'MUG-7', ?)", [order.insertId, order.insertId, 1 + (n % 4)]);
        } else if (step < 7) {
          await db.query("UPDATE orders SET status = ELT(1 + ? % 3, 'paid', 'shipped', 'new') ORDER BY id DESC LIMIT 3", [n]);
        } else if (step === 7) {
          await db.query('INSERT INTO customers (email, name) VALUES (?, ?)', [`c${n}-${Date.now()}@example.com`, `Customer ${n} ✓`]);
        } else if (step === 8) {
          await db.query("UPDATE products SET price = price + 0.01, attributes = JSON_SET(IFNULL(attributes, '{}'), '$.rev', ?) WHERE sku = 'MUG-7'", [n]);
        } else {
          const [rows] = await db.query<mysql.RowDataPacket[]>('SELECT id FROM orders ORDER BY id LIMIT 1');
          const oldest = rows[0]?.id as number | undefined;
          if (oldest !== undefined) {
            await db.query('DELETE FROM order_items WHERE order_id = ?', [oldest]);
            await db.query('DELETE FROM orders WHERE id = ?', [oldest]);
          }
        }
        await db.query('COMMIT');
        transactions++;
      }
    } finally {
      await db.end();
    }
  })();
  return {
    get transactions() {
      return transactions;
    },
    async stop() {
      running = false;
      await loop;
    },
  };
}
