import type { Command } from 'commander';
import { Tessera, type RetryInfo, type RetryOptions } from '@tessera-api/sdk';
import { CLI_VERSION } from './version.ts';
import { resolveSettings, validateApiUrl, type Settings } from './config-store.ts';
import { UsageError } from './errors.ts';

/** The global flags every verb accepts (defined on the program). */
export interface GlobalOptions {
  profile?: string;
  apiUrl?: string;
  token?: string;
  verbose?: boolean;
}

export function globalsOf(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals() as GlobalOptions;
}

export function settingsOf(cmd: Command): Settings {
  const g = globalsOf(cmd);
  return resolveSettings({ token: g.token, apiUrl: g.apiUrl, profile: g.profile });
}

const SECRET_KEY = /token|secret|password|api_?key|authorization|credential|private/i;

/** Body for -v: values under secret-looking keys are replaced, so a pasted log leaks nothing. */
export function redactBody(value: unknown, depth = 0): unknown {
  if (depth > 20 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactBody(v, depth + 1));
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [
      k,
      SECRET_KEY.test(k) && (typeof v === 'string' || typeof v === 'number') ? '********' : redactBody(v, depth + 1),
    ]),
  );
}

const titleCase = (name: string) => name.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());

/** What a command may add to the client: its own retry policy, and a say in each retry (export's waiting line). */
export interface ClientExtras {
  retry?: RetryOptions;
  onRetry?(info: RetryInfo): void;
}

/** An SDK client from the resolved settings; with -v it traces requests and responses to stderr (token redacted). */
export function clientFor(cmd: Command, settings: Settings = settingsOf(cmd), extras: ClientExtras = {}): Tessera {
  if (!settings.token) {
    throw new UsageError('no API token: pass --token, set TESSERA_TOKEN, or run: tessera login --token <token>');
  }
  const verbose = globalsOf(cmd).verbose === true;
  const err = (line: string) => process.stderr.write(line + '\n');
  return new Tessera({
    token: settings.token,
    baseUrl: validateApiUrl(settings.apiUrl),
    userAgent: `tessera-cli/${CLI_VERSION}`,
    ...(extras.retry ? { retry: extras.retry } : {}),
    hooks: verbose
      ? {
          onRequest(info) {
            err(`> ${info.method} ${info.url}${info.attempt > 1 ? `  (attempt ${info.attempt})` : ''}`);
            for (const [k, v] of Object.entries(info.headers)) err(`> ${titleCase(k)}: ${k === 'authorization' ? 'Bearer ********' : v}`);
            if (info.body !== undefined) err(`> ${JSON.stringify(redactBody(info.body))}`);
          },
          onResponse(info) {
            err(`< ${info.status} ${info.statusText} (${info.durationMs} ms)`);
            info.headers.forEach((v, k) => err(`< ${k}: ${v}`));
          },
          onRetry(info) {
            err(`* ${typeof info.reason === 'number' ? `HTTP ${info.reason}` : info.reason}; retrying in ${info.delayMs} ms`);
            extras.onRetry?.(info);
          },
        }
      : extras.onRetry
        ? { onRetry: extras.onRetry }
        : undefined,
  });
}
