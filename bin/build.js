#!/usr/bin/env node
// `npm run build` and the postinstall step: compiles src/ into dist/ (see launch.js). Never
// fails an install: without a build, `npm start` runs the sources through tsx.
import { build } from './launch.js';

if (!(await build()) && process.argv.includes('--strict')) process.exit(1);
