#!/usr/bin/env node
// The `tessera` CLI of a Tessera server checkout: @tessera-api/cli (packages/cli) with the server's
// mapping engine plugged in (src/cli/main.ts), so `tessera jsonata eval` and `tessera unified
// test-mapping` work here. In a clone the TypeScript sources run through tsx's loader (a
// devDependency) with the repository's tsconfig.json, whose paths map @tessera-api/* to
// packages/*/src, so `npx tessera` needs no build step and never runs a stale build. Where there
// are no sources or no tsx (the Docker image, an install without devDependencies) it runs the
// compiled dist/cli/main.js that `npm run build` writes. The standalone command is
// packages/cli's own bin (`npm install -g @tessera-api/cli`).
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

const source = new URL('../src/cli/main.ts', import.meta.url);
let register;
if (fs.existsSync(source)) {
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch (e) {
    if (e?.code !== 'ERR_MODULE_NOT_FOUND') throw e;
  }
}
if (register) {
  register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
  await import(source.href);
} else {
  await import(new URL('../dist/cli/main.js', import.meta.url).href);
}
