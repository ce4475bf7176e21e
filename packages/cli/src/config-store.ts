import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UsageError } from './errors.ts';

/**
 * `~/.tessera/config.json` (mode 0600, directory 0700; `TESSERA_CONFIG_DIR` moves it): named
 * profiles of token + API URL.
 *
 *   { "current_profile": "default",
 *     "profiles": { "default": { "token": "…", "api_url": "http://localhost:8080" } } }
 *
 * Resolution (issue #4): the token comes from --token, else TESSERA_TOKEN, else the profile; the
 * API URL from --api-url, else TESSERA_API_URL, else the profile, else http://localhost:8080. The
 * profile is -p/--profile, else TESSERA_PROFILE, else current_profile, else "default".
 */
export const DEFAULT_API_URL = 'http://localhost:8080';
export const DEFAULT_PROFILE = 'default';

export interface Profile {
  token?: string;
  api_url?: string;
}

export interface ConfigFile {
  current_profile?: string;
  profiles: Record<string, Profile>;
}

/** `$TESSERA_CONFIG_DIR/config.json` when set (tests, CI), else `~/.tessera/config.json`. */
export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TESSERA_CONFIG_DIR) return path.join(env.TESSERA_CONFIG_DIR, 'config.json');
  return path.join(env.HOME || os.homedir(), '.tessera', 'config.json');
}

export function readConfig(file: string): ConfigFile {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { profiles: {} };
    throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${file} is not valid JSON (${(e as Error).message}); fix or delete it, then run tessera login`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new UsageError(`${file} must hold a JSON object`);
  const config = parsed as Partial<ConfigFile>;
  const profiles = config.profiles && typeof config.profiles === 'object' && !Array.isArray(config.profiles) ? config.profiles : {};
  return { ...config, profiles } as ConfigFile;
}

/** Written to a temp file and renamed, both 0600, so a reader never sees half a file or a readable token. */
export function writeConfig(file: string, config: ConfigFile): void {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = path.join(dir, `.config.${process.pid}.${Date.now()}.tmp`);
  fs.writeFileSync(tmp, JSON.stringify(config, null, 2) + '\n', { mode: 0o600 });
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, file);
}

export interface Flags {
  token?: string;
  apiUrl?: string;
  profile?: string;
}

export type Source = 'flag' | 'env' | 'profile' | 'default' | 'none';

export interface Settings {
  profileName: string;
  profile?: Profile;
  token?: string;
  tokenSource: Source;
  apiUrl: string;
  apiUrlSource: Source;
  configFile: string;
}

export function resolveSettings(flags: Flags, env: NodeJS.ProcessEnv = process.env, file = configPath(env)): Settings {
  const config = readConfig(file);
  const explicit = flags.profile ?? (env.TESSERA_PROFILE || undefined);
  const profileName = explicit ?? config.current_profile ?? DEFAULT_PROFILE;
  const profile = config.profiles[profileName];
  if (explicit && !profile && !flags.token && !env.TESSERA_TOKEN) {
    const known = Object.keys(config.profiles);
    throw new UsageError(
      `no profile "${explicit}" in ${file}${known.length ? ` (profiles: ${known.join(', ')})` : ''}; create it with: tessera login --token <token> -p ${explicit}`,
    );
  }
  const [token, tokenSource] = pick<string>([
    [flags.token, 'flag'],
    [env.TESSERA_TOKEN, 'env'],
    [profile?.token, 'profile'],
  ]);
  const [apiUrl, apiUrlSource] = pick<string>([
    [flags.apiUrl, 'flag'],
    [env.TESSERA_API_URL, 'env'],
    [profile?.api_url, 'profile'],
    [DEFAULT_API_URL, 'default'],
  ]);
  return { profileName, profile, token, tokenSource, apiUrl: apiUrl!, apiUrlSource, configFile: file };
}

function pick<T>(candidates: [T | undefined, Source][]): [T | undefined, Source] {
  for (const [value, source] of candidates) if (value !== undefined && value !== '') return [value, source];
  return [undefined, 'none'];
}

/** `********` plus the last four characters of a long token, so profiles can be told apart. */
export function maskToken(token: string | undefined): string {
  if (!token) return '(none)';
  return token.length >= 16 ? `********${token.slice(-4)}` : '********';
}

export function validateApiUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--api-url "${url}" is not a URL (e.g. http://localhost:8080)`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new UsageError(`--api-url must be http:// or https://, got ${parsed.protocol}`);
  return url.replace(/\/+$/, '');
}
