#!/usr/bin/env node
// The `tessera` CLI. The sources are TypeScript, run through tsx's loader (a runtime
// dependency), so `npx tessera` works from a clone without a build step.
import { register } from 'tsx/esm/api';

register();
await import(new URL('../src/cli/main.ts', import.meta.url).href);
