#!/usr/bin/env node
// The `tessera` CLI. In a clone the TypeScript sources run through tsx's loader (a devDependency),
// so `npx tessera` needs no build step and never runs a stale build. Where there are no sources or
// no tsx (the Docker image, an install without devDependencies) it runs the compiled CLI that
// `npm run build` writes to dist/cli/main.js.
import fs from 'node:fs';

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
  register();
  await import(source.href);
} else {
  await import(new URL('../dist/cli/main.js', import.meta.url).href);
}
