// A child process for the sandbox lifecycle test: starts one MariaDB sandbox, prints its dir and port,
// then either exits without stop() (argv "exit") or waits to be killed (argv "wait").
import { startMariaDbServer } from '../../src/sandbox/mariadb-server.js';

const server = await startMariaDbServer({ name: 'lifecycle' });
process.stdout.write(`${JSON.stringify({ baseDir: server.baseDir, port: server.port })}\n`);
if (process.argv[2] === 'exit') process.exit(0);
setInterval(() => undefined, 1000);
