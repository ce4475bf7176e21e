import { CommandFailure, UsageError } from '@tessera-api/cli';
import { ExpressionError, checkExpression, evaluate } from '../engine/expressions/evaluate.ts';

/**
 * The server's engine for the CLI's local verbs (@tessera-api/cli's LocalTools): main.ts hands
 * this module to the program, which imports it only when `tessera jsonata eval` or
 * `tessera unified test-mapping` runs. The standalone package has no such module and says so.
 */

export { runMappingTest } from './mapping-test.ts';

export async function evaluateJsonata(source: string, input: Record<string, unknown>): Promise<unknown> {
  try {
    checkExpression(source);
  } catch (e) {
    if (e instanceof ExpressionError) throw new UsageError(`invalid JSONata: ${e.message}`);
    throw e;
  }
  try {
    return await evaluate(source, input, { label: 'jsonata eval' });
  } catch (e) {
    throw new CommandFailure((e as Error).message.replace(/^Mapping /, ''));
  }
}
