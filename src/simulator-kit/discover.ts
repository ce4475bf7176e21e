import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AnySimulatorDefinition } from './define-simulator.ts';

/**
 * Finds simulators by convention instead of a hand-kept registry: the simulator named `x` is the
 * `simulator` export of `<providers dir>/x/simulator/index.ts`, beside the integration that names
 * it (`sandbox.simulator: x` in its integration.yaml).
 */
export class SimulatorNotFoundError extends Error {}

export function simulatorModulePath(providersDir: string, name: string): string {
  return path.join(providersDir, name, 'simulator', 'index.ts');
}

export async function loadSimulator(providersDir: string, name: string): Promise<AnySimulatorDefinition> {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) throw new SimulatorNotFoundError(`"${name}" is not a simulator name (lowercase letters, digits and dashes)`);
  const file = simulatorModulePath(providersDir, name);
  if (!fs.existsSync(file)) {
    throw new SimulatorNotFoundError(
      `no simulator named "${name}": ${path.relative(process.cwd(), file)} does not exist; known: ${listSimulators(providersDir).join(', ') || '(none)'}`,
    );
  }
  const mod = (await import(pathToFileURL(file).href)) as { simulator?: AnySimulatorDefinition };
  if (!mod.simulator || typeof mod.simulator.create !== 'function') {
    throw new SimulatorNotFoundError(`${path.relative(process.cwd(), file)} must export \`simulator = defineSimulator({...})\``);
  }
  if (mod.simulator.name !== name)
    throw new SimulatorNotFoundError(`${path.relative(process.cwd(), file)}: simulator.name is "${mod.simulator.name}", expected "${name}"`);
  return mod.simulator;
}

/** The names of every provider folder that has a simulator, sorted. */
export function listSimulators(providersDir: string): string[] {
  if (!fs.existsSync(providersDir)) return [];
  return fs
    .readdirSync(providersDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && fs.existsSync(simulatorModulePath(providersDir, e.name)))
    .map((e) => e.name)
    .sort();
}
