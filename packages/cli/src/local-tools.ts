import { UsageError } from './errors.ts';

/**
 * The local verbs, `tessera jsonata eval` and `tessera unified test-mapping`, run Tessera's own
 * mapping engine: JSONata with the function set mappings use, the integration catalog and its
 * schema, the server's query parser. That is server code with the server's dependencies, so this
 * package does not carry it. A Tessera server (a clone, a build, the Docker image) passes its
 * engine in: `run(argv, { localTools: () => import('./local-tools.ts') })` in its src/cli/main.ts.
 * Without one, the verbs stay listed in --help and say where to run them (exit 2).
 */
export interface LocalTools {
  /** A syntax error throws UsageError; a failure while evaluating, CommandFailure. */
  evaluateJsonata(source: string, input: Record<string, unknown>): Promise<unknown>;
  runMappingTest(request: MappingTestRequest): Promise<MappingTestOutcome>;
}

/** Loaded only when a local verb runs, so the other verbs start fast. */
export type LocalToolsLoader = () => Promise<LocalTools>;

/**
 * `file`: the parsed content of a --mapping-file, either a whole mapping file
 * (`{integration, model, resource, methods: {…}}`) or one method's mapping config.
 * `expression`: a response_mapping expression, used as the whole mapping.
 */
export type MappingSource = { kind: 'file'; data: unknown; label: string } | { kind: 'expression'; expression: string };

export interface MappingTestRequest {
  /** Required with the bundled mapping; optional with `source` (then it only supplies response_path). */
  integration?: string;
  model?: string;
  resource?: string;
  method: string;
  /** Where the mapping comes from; default: the bundled catalog, by integration/model/resource. */
  source?: MappingSource;
  /** The parsed input file. */
  input: unknown;
  /** -q pairs, already parsed. */
  query: Record<string, unknown>;
  context?: Record<string, unknown>;
  sideLoad?: Record<string, unknown>;
  id?: string;
  step?: number;
}

export interface MappingTestOutcome {
  /** The unified records, shaped as the server would send them (truto_exclude_fields, …). */
  records: Record<string, unknown>[];
  /** list → an array is printed; anything else → one record. */
  kind: 'list' | 'single';
  /** The mapping that ran, for --show-mapping. */
  mapping: unknown;
  /** Where the mapping came from, for --show-mapping. */
  origin: string;
  warnings: string[];
}

/** The engine, or a usage error naming where the verb does run. */
export async function loadLocalTools(loader: LocalToolsLoader | undefined, verb: string): Promise<LocalTools> {
  if (!loader) {
    throw new UsageError(
      `\`tessera ${verb}\` runs Tessera's mapping engine (JSONata with the mappings' functions, the integration catalog), ` +
        'which the standalone @tessera-api/cli package does not include.\n' +
        `Run it where the Tessera server is: \`npx tessera ${verb} …\` in a clone of the Tessera repository (after npm install), ` +
        `or \`node dist/cli/main.js ${verb} …\` in a server build or the Docker image.`,
    );
  }
  return loader();
}
