import { main } from './main.js';

// `scsc ... | head` closes the pipe early: that is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

// Bundled as CommonJS (see scripts/bundle.ts), which has no top-level await.
void main(process.argv).then((code) => {
  process.exitCode = code;
});
