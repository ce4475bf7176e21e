import { main } from '@tessera-api/cli';

/**
 * The `tessera` command of a Tessera server (bin/tessera.js in a clone, `node dist/cli/main.js`
 * in a build or the image): @tessera-api/cli's program with the server's mapping engine plugged
 * in, so `tessera jsonata eval` and `tessera unified test-mapping` run here (local-tools.ts,
 * imported only when one of them runs). Exit codes: 0 success, 1 an API error, 2 a usage error.
 */
await main({ localTools: () => import('./local-tools.ts') });
