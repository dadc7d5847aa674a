import { ScscError } from '../core/scsc-error.js';
import { main } from './main.js';

// `scsc ... | head` closes the pipe early: that is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

// Bundled as CommonJS (see scripts/bundle.ts), which has no top-level await. As with an unsettled
// top-level await, a command that leaves nothing to wait for without finishing must not exit 0.
let finished = false;
process.once('beforeExit', () => {
  if (finished) return;
  const error = new ScscError('INTERNAL', 'the command stopped without finishing: nothing was left to wait for');
  process.stderr.write(`scsc: ${error.toLine()}\n`);
  process.exitCode = error.exitCode;
});
void main(process.argv).then((code) => {
  finished = true;
  process.exitCode = code;
});
