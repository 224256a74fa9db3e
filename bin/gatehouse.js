#!/usr/bin/env node
// The `gatehouse` command installed by npm: registers tsx so Node runs the TypeScript sources.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
