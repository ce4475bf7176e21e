// The sandbox process's entry. It is started without the parent's flags (they may include
// --import tsx, --test or --inspect), so this plain module registers tsx itself, then loads the
// TypeScript that evaluates jobs.
import { register } from 'tsx/esm/api';

register();
await import('./sandbox-process.ts');
