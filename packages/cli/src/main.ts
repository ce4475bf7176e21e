#!/usr/bin/env node
/**
 * The `tessera` command of @tessera-api/cli (its package.json "bin"). Everything lives in
 * program.ts. This bin has no local mapping engine; a Tessera server's own entry
 * (src/cli/main.ts in the repository) passes one in.
 */
import { main } from './program.ts';

await main();
