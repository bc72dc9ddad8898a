#!/usr/bin/env node
import { buildProgram } from './program.js';

const { run } = buildProgram();
process.exitCode = await run(process.argv.slice(2));
