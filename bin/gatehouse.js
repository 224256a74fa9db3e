#!/usr/bin/env node
// The `gatehouse` command installed by npm: the CLI, compiled (see launch.js).
import { runEntry } from './launch.js';

await runEntry('cli/main');
