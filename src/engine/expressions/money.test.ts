import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluate } from './evaluate.ts';
import { shiftDecimalToInteger } from './functions.ts';

test('decimal amounts become integer minor units exactly, half away from zero', () => {
  const cases: [unknown, number, number | undefined][] = [
    [0.07, 2, 7],
    ['0.07', 2, 7],
    [1.005, 2, 101], // 1.005 * 100 is 100.49999999999999 in floats
    ['12.345', 2, 1235],
    ['-12.345', 2, -1235],
    ['123.45', 0, 123],
    ['123.5', 0, 124],
    ['0.004', 2, 0],
    [1e-7, 2, 0],
    [2.5e3, 2, 250000],
    ['1000', 3, 1000000],
    [null, 2, undefined],
    ['abc', 2, undefined],
    ['', 2, undefined],
  ];
  for (const [amount, shift, expected] of cases) assert.equal(shiftDecimalToInteger(amount, shift), expected, `${String(amount)} << ${shift}`);
});

test('$toMinorUnits and $roundMinorUnits in mappings', async () => {
  assert.equal(await evaluate('$toMinorUnits(0.29, "usd")', {}, { label: 'test' }), 29);
  assert.equal(await evaluate('$toMinorUnits("1999", "JPY")', {}, { label: 'test' }), 1999);
  assert.equal(await evaluate('$toMinorUnits(1.2345, "KWD")', {}, { label: 'test' }), 1235);
  assert.equal(await evaluate('$roundMinorUnits("123.45678")', {}, { label: 'test' }), 123);
  assert.equal(await evaluate('$toMinorUnits(x, "USD")', {}, { label: 'test' }), undefined);
});

// Compiled, a flat 9-million-step map finishes inside the box; this one takes about 10 s compiled
// (and far longer interpreted), so only the time box can stop it.
const RUNAWAY = '$sum([1..5000000].($count([1..100])))';

test('the time box stops a runaway expression, and grows when asked', async () => {
  await assert.rejects(evaluate(RUNAWAY, {}, { label: 'runaway' }), /took longer than its time box \(1000 ms\)/);
  const started = Date.now();
  await assert.rejects(evaluate(RUNAWAY, {}, { label: 'runaway', timeoutMs: 1500 }), /\(1500 ms\)/);
  assert.ok(Date.now() - started >= 1400);
});
