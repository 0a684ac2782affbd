#!/usr/bin/env node
// Entry point of the meshfleet command. tsx lets it load the TypeScript library and TypeScript fleets
// (apps/main.ts) without a build step.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../lib/cli/main.ts');
process.exitCode = await runCli(process.argv.slice(2));
