#!/usr/bin/env node
// `npm start`: the server, compiled (see launch.js).
import { runEntry } from './launch.js';

await runEntry('main');
