/** Writes docs/coverage.md from the bundled mappings (`npm run generate:coverage`). */
import fs from 'node:fs';
import { loadCatalog } from '../src/integrations/catalog.ts';
import { UNIFIED_MODELS } from '../src/models/index.ts';
import { renderCoverageMarkdown } from '../src/services/coverage.ts';

const file = new URL('../docs/coverage.md', import.meta.url);
fs.writeFileSync(file, renderCoverageMarkdown(loadCatalog(), UNIFIED_MODELS['usage-metering']));
process.stdout.write(`wrote ${file.pathname}\n`);
