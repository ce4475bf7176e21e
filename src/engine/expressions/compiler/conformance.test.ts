import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { prepareExpression, runExpression } from '../core.ts';
import { builtinsReady, compileSource, NotCovered } from './index.ts';

/**
 * The conformance corpus (test/fixtures/jsonata-conformance/): every case through both the
 * interpreter (jsonata with Tessera's functions, as runExpression runs it) and the compiler. The
 * interpreter must give the case's expected value or error code; the compiler must give the very
 * same, or refuse the expression (the caller then keeps the interpreter). Cases in refused.json
 * are constructs the compiler leaves to the interpreter: it must refuse them, never mis-compile.
 */
const DIR = join(import.meta.dirname, '../../../../test/fixtures/jsonata-conformance');
const INPUTS = JSON.parse(readFileSync(join(DIR, 'inputs.json'), 'utf8')) as Record<string, unknown>;

interface Case {
  expression: string;
  input: string;
  bindings?: Record<string, unknown>;
  expected?: unknown;
  error?: string;
}

type Outcome = { value: unknown } | { error: string } | { refused: string };

const json = (v: unknown) => (v === undefined ? { undefined: true } : JSON.parse(JSON.stringify(v)));
const codeOf = (e: unknown) => (e as { code?: string }).code ?? 'ERROR';

function scopeOf(c: Case): Record<string, unknown> {
  const input = INPUTS[c.input];
  return (Array.isArray(input) ? input : { ...(input as object), ...(c.bindings ?? {}) }) as Record<string, unknown>;
}

async function interpreted(c: Case): Promise<Outcome> {
  try {
    return { value: json(await runExpression(prepareExpression(c.expression), scopeOf(c), Date.now() + 5000, 'slow')) };
  } catch (e) {
    return { error: codeOf(e) };
  }
}

function compiled(c: Case): Outcome {
  let expr;
  try {
    expr = compileSource(c.expression);
  } catch (e) {
    if (e instanceof NotCovered) return { refused: e.message };
    return { error: 'ERROR' }; // a syntax error, which prepareExpression reports without a code
  }
  try {
    return { value: json(expr.run(scopeOf(c), Date.now() + 5000, () => new Error('slow'))) };
  } catch (e) {
    if (e instanceof NotCovered) return { refused: e.message };
    return { error: codeOf(e) };
  }
}

const files = readdirSync(DIR).filter((f) => f.endsWith('.json') && f !== 'inputs.json');

test('the conformance corpus: the compiler gives what the interpreter gives, or refuses', async () => {
  await builtinsReady;
  let total = 0;
  let covered = 0;
  const mismatches: string[] = [];
  for (const file of files) {
    const { cases } = JSON.parse(readFileSync(join(DIR, file), 'utf8')) as { cases: Case[] };
    for (const c of cases) {
      total++;
      const label = `${file}: ${c.expression}`;
      const want: Outcome = c.error !== undefined ? { error: c.error } : { value: c.expected };
      assert.deepStrictEqual(await interpreted(c), want, `interpreter on ${label}`);
      const got = compiled(c);
      if (file === 'refused.json') {
        assert.ok(
          'refused' in got || ('error' in got && c.error === got.error && c.error === 'ERROR'),
          `compiler must refuse ${label}: ${JSON.stringify(got)}`,
        );
        continue;
      }
      if ('refused' in got) continue;
      covered++;
      if (JSON.stringify(got) !== JSON.stringify(want)) mismatches.push(`${label}\n    compiled ${JSON.stringify(got)}\n    expected ${JSON.stringify(want)}`);
    }
  }
  assert.deepStrictEqual(mismatches, [], `compiled results differ:\n${mismatches.join('\n')}`);
  console.log(`conformance: ${total} cases, ${covered} compiled (${((100 * covered) / total).toFixed(1)}%)`);
  assert.ok(total >= 250);
});

test('the compiler builds closures from the AST, never code from text', () => {
  for (const file of readdirSync(import.meta.dirname).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
    const text = readFileSync(join(import.meta.dirname, file), 'utf8');
    assert.doesNotMatch(text, /new Function|\beval\(/, file);
  }
});
