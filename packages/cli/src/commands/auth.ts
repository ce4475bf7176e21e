import { Option, type Command } from 'commander';
import { Tessera, type IntegratedAccount } from '@tessera-api/sdk';
import { clientFor, globalsOf } from '../client.ts';
import {
  DEFAULT_API_URL,
  DEFAULT_PROFILE,
  configPath,
  maskToken,
  readConfig,
  resolveSettings,
  validateApiUrl,
  writeConfig,
  type Settings,
} from '../config-store.ts';
import { UsageError } from '../errors.ts';
import { OUTPUT_FORMATS } from '../format.ts';
import { checkFormat, printList, printValue, stdout } from '../io.ts';

/**
 * `tessera login`, `tessera profiles`, `tessera whoami`: profiles of token + API URL in
 * ~/.tessera/config.json (mode 0600). The token is never printed, only masked.
 */

/** A cheap call that only succeeds with a valid token: the first integrated account, if any. */
async function probe(client: Tessera): Promise<IntegratedAccount | undefined> {
  const page = await client.integratedAccounts.list({ limit: 1 }).next();
  return page.items[0];
}

const SOURCES: Record<string, string> = {
  flag: 'flag',
  env: 'environment',
  profile: 'profile',
  default: 'default',
  none: 'not set',
};

export function registerAuth(program: Command): void {
  program
    .command('login')
    .description('save a token (and API URL) as a profile in ~/.tessera/config.json, after checking it works')
    .option('--no-verify', 'save without checking the token against the server')
    .addHelpText(
      'after',
      `
Uses the global flags: --token (required), --api-url, -p/--profile (default "default").
The profile becomes the current one.

Examples:
  tessera login --token <token>
  tessera login --token <token> --api-url https://tessera.example.com -p prod`,
    )
    .action(async (opts: { verify: boolean }, cmd: Command) => {
      const g = globalsOf(cmd);
      if (!g.token) throw new UsageError('login needs a token: tessera login --token <token> [--api-url <url>] [-p <profile>]');
      const file = configPath();
      const config = readConfig(file);
      const name = g.profile ?? process.env.TESSERA_PROFILE ?? config.current_profile ?? DEFAULT_PROFILE;
      if (!/^[A-Za-z0-9_.-]{1,64}$/.test(name)) throw new UsageError(`profile name "${name}" may only hold letters, digits, ".", "_" and "-"`);
      const apiUrl = validateApiUrl(g.apiUrl ?? process.env.TESSERA_API_URL ?? config.profiles[name]?.api_url ?? DEFAULT_API_URL);
      const settings: Settings = { profileName: name, token: g.token, tokenSource: 'flag', apiUrl, apiUrlSource: 'flag', configFile: file };
      let environment: string | undefined;
      if (opts.verify) environment = (await probe(clientFor(cmd, settings)))?.environment_id;
      config.profiles[name] = { ...config.profiles[name], token: g.token, api_url: apiUrl };
      config.current_profile = name;
      writeConfig(file, config);
      stdout(
        `Logged in to ${apiUrl} as profile "${name}"${opts.verify ? ' (token accepted)' : ' (not verified)'}${environment ? `, environment ${environment}` : ''}.\n` +
          `Saved to ${file}\n`,
      );
    });

  const profiles = program
    .command('profiles')
    .description('list the saved profiles (the current one is marked *)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(OUTPUT_FORMATS).default('table'))
    .helpCommand(false)
    .action((opts: { output: string }) => {
      const format = checkFormat(opts.output);
      const file = configPath();
      const config = readConfig(file);
      const current = config.current_profile ?? DEFAULT_PROFILE;
      const rows = Object.entries(config.profiles).map(([name, p]) => ({
        current: name === current ? '*' : '',
        name,
        api_url: p.api_url ?? DEFAULT_API_URL,
        token: maskToken(p.token),
      }));
      if (!rows.length && format === 'table') {
        stdout(`No profiles in ${file}. Create one with: tessera login --token <token>\n`);
        return;
      }
      printList(rows, null, format);
    });

  profiles
    .command('use')
    .description('make a profile the current one')
    .argument('<name>', 'profile name')
    .action((name: string) => {
      const file = configPath();
      const config = readConfig(file);
      if (!config.profiles[name]) {
        const known = Object.keys(config.profiles);
        throw new UsageError(`no profile "${name}" in ${file}${known.length ? ` (profiles: ${known.join(', ')})` : ''}`);
      }
      config.current_profile = name;
      writeConfig(file, config);
      stdout(`Now using profile "${name}".\n`);
    });

  profiles
    .command('remove')
    .description('delete a saved profile')
    .argument('<name>', 'profile name')
    .action((name: string) => {
      const file = configPath();
      const config = readConfig(file);
      if (!config.profiles[name]) throw new UsageError(`no profile "${name}" in ${file}`);
      delete config.profiles[name];
      if (config.current_profile === name) delete config.current_profile;
      writeConfig(file, config);
      stdout(`Removed profile "${name}".\n`);
    });

  program
    .command('whoami')
    .description('check the token against the server and show which API URL, profile and environment are in use')
    .addOption(new Option('-o, --output <format>', 'output format').choices(OUTPUT_FORMATS).default('table'))
    .action(async (opts: { output: string }, cmd: Command) => {
      const format = checkFormat(opts.output);
      const g = globalsOf(cmd);
      const settings = resolveSettings({ token: g.token, apiUrl: g.apiUrl, profile: g.profile });
      const account = await probe(clientFor(cmd, settings));
      const info = {
        api_url: settings.apiUrl,
        api_url_from: SOURCES[settings.apiUrlSource],
        profile: settings.profileName,
        profile_saved: settings.profile !== undefined,
        token: maskToken(settings.token),
        token_from: SOURCES[settings.tokenSource],
        token_valid: true,
        environment_id: account?.environment_id ?? null,
        config_file: settings.configFile,
      };
      if (format !== 'table') return printValue(info, format);
      stdout(
        [
          `API URL:      ${info.api_url}  (from ${info.api_url_from})`,
          `Profile:      ${info.profile}${info.profile_saved ? '' : '  (not saved)'}`,
          `Token:        ${info.token}  (from ${info.token_from}; accepted by the server)`,
          `Environment:  ${info.environment_id ?? 'unknown (no integrated accounts yet)'}`,
          `Config file:  ${info.config_file}`,
        ].join('\n') + '\n',
      );
    });
}
