#!/usr/bin/env node
import { buildProgram } from './program.js';

// `kanary ... | head` closes stdout early; that is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

const { run } = buildProgram();
process.exitCode = await run(process.argv.slice(2));
