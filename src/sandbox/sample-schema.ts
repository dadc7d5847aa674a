/** A small shop schema used by the demo and examples: FKs, JSON, DECIMAL, composite keys, utf8mb4. */
export function sampleSchemaSql(database: string): string {
  const db = `\`${database.replace(/`/g, '``')}\``;
  return `
CREATE DATABASE IF NOT EXISTS ${db} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
USE ${db};
CREATE TABLE customers (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  email VARCHAR(191) NOT NULL UNIQUE,
  name VARCHAR(200) NOT NULL,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
);
CREATE TABLE products (
  sku VARCHAR(32) NOT NULL PRIMARY KEY,
  title VARCHAR(300) NOT NULL,
  price DECIMAL(12,2) NOT NULL,
  attributes JSON NULL,
  title_length INT GENERATED ALWAYS AS (CHAR_LENGTH(title)) VIRTUAL
);
CREATE TABLE orders (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  customer_id BIGINT UNSIGNED NOT NULL,
  status ENUM('new','paid','shipped','cancelled') NOT NULL DEFAULT 'new',
  total DECIMAL(14,2) NOT NULL DEFAULT 0,
  placed_at DATETIME(6) NOT NULL,
  CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id) REFERENCES customers (id)
);
CREATE TABLE order_items (
  order_id BIGINT UNSIGNED NOT NULL,
  line_no SMALLINT UNSIGNED NOT NULL,
  sku VARCHAR(32) NOT NULL,
  quantity INT NOT NULL,
  PRIMARY KEY (order_id, line_no),
  CONSTRAINT fk_items_order FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE,
  CONSTRAINT fk_items_product FOREIGN KEY (sku) REFERENCES products (sku)
);`;
}

export function sampleRowsSql(database: string): string {
  const db = `\`${database.replace(/`/g, '``')}\``;
  return `
USE ${db};
INSERT INTO customers (email, name) VALUES ('ada@example.com', 'Ada Lovelace'), ('jose@example.com', 'José Ñúñez'), ('mei@example.com', '李梅');
INSERT INTO products (sku, title, price, attributes) VALUES
  ('BOOK-1', 'Notes on the Analytical Engine', 19.99, '{"pages": 66, "lang": "en"}'),
  ('MUG-7', 'Mug «scsc»', 7.50, NULL);
INSERT INTO orders (customer_id, status, total, placed_at) VALUES (1, 'paid', 27.49, '2026-11-24 09:15:00.123456'), (2, 'new', 7.50, NOW(6));
INSERT INTO order_items VALUES (1, 1, 'BOOK-1', 1), (1, 2, 'MUG-7', 1), (2, 1, 'MUG-7', 1);`;
}
