import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import { createLogger } from '../logger.ts';
import type { RequestLogFilter, RequestLogRecord, RequestLogRows } from '../store/request-log-rows.ts';
import { startLogRetention } from './request-log-retention.ts';
import { RequestLogWriter } from './request-log-writer.ts';

/** A store double that records each insertMany; `fail` makes it refuse, `gate` holds writes. */
class FakeRows implements RequestLogRows {
  batches: RequestLogRecord[][] = [];
  fail = false;
  gate: Promise<void> | undefined;
  pruned: string[] = [];
  async insertMany(records: RequestLogRecord[]) {
    await this.gate;
    if (this.fail) throw new Error('database is down');
    this.batches.push(records);
  }
  async list(_f: RequestLogFilter) {
    return [];
  }
  async prune(before: string) {
    this.pruned.push(before);
    return 3;
  }
}

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { lines, logger: createLogger('info', stream) };
}

const row = (): RequestLogRecord => ({
  id: randomUUID(),
  environment_id: randomUUID(),
  log_type: 'unified_proxy_api',
  integrated_account_id: null,
  integration: null,
  request_id: null,
  method: 'GET',
  path: '/unified/x/y',
  status: 200,
  duration_ms: 1,
  error: null,
  detail: {},
  created_at: new Date().toISOString(),
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('RequestLogWriter', () => {
  test('add() only buffers; rows go out together after flushMs', async () => {
    const rows = new FakeRows();
    const writer = new RequestLogWriter(rows, capture().logger, { enabled: true, flushMs: 30 });
    for (let i = 0; i < 5; i++) writer.add(row());
    assert.equal(rows.batches.length, 0);
    assert.equal(writer.pending, 5);
    await sleep(80);
    assert.deepEqual(
      rows.batches.map((b) => b.length),
      [5],
    );
    assert.equal(writer.pending, 0);
    await writer.close();
  });

  test('a full batch is written without waiting for the timer, in batches of batchSize', async () => {
    const rows = new FakeRows();
    const writer = new RequestLogWriter(rows, capture().logger, { enabled: true, flushMs: 60_000, batchSize: 3 });
    for (let i = 0; i < 7; i++) writer.add(row());
    await sleep(20);
    // Once a write starts it takes what is left too, without waiting out the minute.
    assert.deepEqual(
      rows.batches.map((b) => b.length),
      [3, 3, 1],
    );
    writer.add(row());
    assert.equal(rows.batches.length, 3);
    await writer.close(); // the last one, on shutdown
    assert.deepEqual(
      rows.batches.map((b) => b.length),
      [3, 3, 1, 1],
    );
  });

  test('while the store is slow the buffer stops at its cap; the excess is dropped, counted and warned about once', async () => {
    const rows = new FakeRows();
    let open!: () => void;
    rows.gate = new Promise((r) => (open = r));
    const { lines, logger } = capture();
    const writer = new RequestLogWriter(rows, logger, { enabled: true, flushMs: 1, batchSize: 2, maxBuffered: 10 });
    writer.add(row());
    writer.add(row()); // this batch is now held by the gate
    await sleep(10);
    for (let i = 0; i < 25; i++) writer.add(row());
    assert.equal(writer.pending, 10);
    assert.equal(writer.dropped, 15);
    assert.equal(lines.filter((l) => l.msg === 'request log rows dropped').length, 1);
    open();
    await writer.close();
    assert.equal(rows.batches.flat().length, 12);
  });

  test('a store that refuses costs the batch, not the caller', async () => {
    const rows = new FakeRows();
    rows.fail = true;
    const { lines, logger } = capture();
    const writer = new RequestLogWriter(rows, logger, { enabled: true, flushMs: 1 });
    writer.add(row());
    writer.add(row());
    await writer.flush();
    assert.equal(writer.dropped, 2);
    assert.equal(writer.pending, 0);
    const warning = lines.find((l) => l.msg === 'request log rows dropped');
    assert.match(String(warning?.reason), /database is down/);
    rows.fail = false;
    writer.add(row());
    await writer.close();
    assert.equal(rows.batches.flat().length, 1);
  });

  test('disabled (retention 0): nothing is kept', async () => {
    const rows = new FakeRows();
    const writer = new RequestLogWriter(rows, capture().logger, { enabled: false });
    writer.add(row());
    assert.equal(writer.pending, 0);
    await writer.close();
    assert.equal(rows.batches.length, 0);
  });

  test('after close, rows are dropped rather than held forever', async () => {
    const rows = new FakeRows();
    const writer = new RequestLogWriter(rows, capture().logger, { enabled: true });
    await writer.close();
    writer.add(row());
    assert.equal(writer.pending, 0);
    assert.equal(writer.dropped, 1);
  });
});

describe('startLogRetention', () => {
  test('prunes at start with the retention bound, and not at all with 0 days', async () => {
    const rows = new FakeRows();
    const retention = startLogRetention(rows, 7, capture().logger);
    await retention.stop();
    assert.equal(rows.pruned.length, 1);
    const bound = Date.parse(rows.pruned[0]);
    assert.ok(Math.abs(Date.now() - 7 * 86_400_000 - bound) < 5_000);
    assert.equal(await retention.run(), 3);

    const off = new FakeRows();
    const none = startLogRetention(off, 0, capture().logger);
    assert.equal(await none.run(), 0);
    await none.stop();
    assert.equal(off.pruned.length, 0);
  });

  test('runs again on its interval', async () => {
    const rows = new FakeRows();
    const retention = startLogRetention(rows, 1, capture().logger, 20);
    await sleep(70);
    await retention.stop();
    assert.ok(rows.pruned.length >= 3, `pruned ${rows.pruned.length} times`);
  });
});
