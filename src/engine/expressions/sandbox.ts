import { fork, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { ExpressionError } from './core.ts';
import type { SandboxJob, SandboxReply } from './sandbox-protocol.ts';

/**
 * The sandbox for untrusted (override) expressions: a small pool of child processes, each with
 * its own small V8 heap. JSONata's in-process time box is checked between evaluation steps, so
 * it cannot stop one native call (a backtracking regex); a process can be killed in the middle
 * of one. Processes rather than worker threads because a worker's heap limit does not protect its
 * process: an allocation inside one native call (`$length` of a 300-million-character `$pad`)
 * makes V8 abort the whole process, server included, whatever the worker's resourceLimits say.
 * In a child only the child dies. Meanwhile the server keeps serving: it posts a job and waits.
 * A lost process is replaced at once, so the next job finds one ready.
 */
export interface SandboxLimits {
  processes: number;
  /** V8 old-generation heap of each process (--max-old-space-size). */
  heapMb: number;
  /** V8 semi-space (--max-semi-space-size); the young generation is about three of these. */
  semiSpaceMb: number;
  /** How long past its time budget a job may run before its process is killed (the soft box usually stops it first). */
  graceMs: number;
  /** A process that is not ready by then (loading tsx and jsonata) is given up. */
  startupTimeoutMs: number;
  /** Jobs that may wait for a free process; one more is refused at once (the pool is shared by every tenant). */
  maxQueue: number;
}

export const DEFAULT_SANDBOX_LIMITS: SandboxLimits = { processes: 2, heapMb: 64, semiSpaceMb: 8, graceMs: 250, startupTimeoutMs: 30_000, maxQueue: 32 };

/** The pool is shared: too many jobs waiting, or a job that waited longer than its request could. */
export class SandboxBusy extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SandboxBusy';
  }
}

/** `wallMs`: from the job's start in its process to the reply; `queuedMs`: time it waited for a free process (not for the first one to start). */
export type SandboxOutcome = SandboxReply & { wallMs: number; queuedMs: number };

type JobInput = SandboxJob extends infer J ? (J extends SandboxJob ? Omit<J, 'id'> : never) : never;

interface Pending {
  job: SandboxJob;
  hardMs: number;
  queuedAt: number;
  /** Waiting longer than this (what is left of the request's budget) fails the job unrun. */
  maxWaitMs: number;
  resolve(outcome: SandboxOutcome): void;
  reject(error: Error): void;
}

interface Slot {
  child: ChildProcess;
  ready: boolean;
  gone: boolean;
  busy?: { pending: Pending; timer: NodeJS.Timeout; startedAt: number; queuedMs: number };
  startup?: NodeJS.Timeout;
  /** The end of its stderr: how V8 says it ran out of memory. */
  stderr: string;
}

const ENTRY = fileURLToPath(new URL('./sandbox-process.mjs', import.meta.url));

export class SandboxPool {
  private slots: Slot[] = [];
  private queue: Pending[] = [];
  private nextId = 1;
  /** When the first process became ready: waiting for start-up is not charged to a job. */
  private firstReadyAt: number | undefined;
  /** Processes started so far, replacements included (tests watch it). */
  started = 0;

  constructor(readonly limits: SandboxLimits = DEFAULT_SANDBOX_LIMITS) {}

  /** Runs `job`; its process is killed if it has not answered `hardMs` after the job started. */
  run(job: JobInput, hardMs: number, maxWaitMs = hardMs): Promise<SandboxOutcome> {
    return new Promise((resolve, reject) => {
      if (this.queue.length >= this.limits.maxQueue)
        return reject(new SandboxBusy(`the expression sandbox is busy (${this.queue.length} jobs waiting); retry shortly`));
      this.queue.push({ job: { ...job, id: this.nextId++ } as SandboxJob, hardMs, queuedAt: performance.now(), maxWaitMs, resolve, reject });
      this.pump();
    });
  }

  /** Kills every process (jobs in flight fail); the pool starts new ones if used again. */
  async close(): Promise<void> {
    const slots = this.slots;
    this.slots = [];
    for (const pending of this.queue.splice(0)) pending.reject(new ExpressionError('the expression sandbox was closed'));
    await Promise.all(slots.map((s) => this.retire(s, new ExpressionError('the expression sandbox was closed'))));
  }

  private pump(): void {
    while (this.queue.length) {
      const slot = this.slots.find((s) => s.ready && !s.busy && !s.gone);
      if (!slot) break;
      const next = this.queue.shift()!;
      // Time spent waiting is the request's too: a job whose request has nothing left is not run.
      const waited = performance.now() - Math.max(next.queuedAt, this.firstReadyAt ?? 0);
      if (waited > next.maxWaitMs) {
        next.reject(new SandboxBusy(`waited ${Math.round(waited)} ms for a free expression sandbox, longer than its request had left`));
        continue;
      }
      this.assign(slot, next, Math.max(0, waited));
    }
    while (this.queue.length && this.slots.length < this.limits.processes) this.spawn();
  }

  private spawn(): void {
    const { heapMb, semiSpaceMb } = this.limits;
    const child = fork(ENTRY, [], {
      // Not the parent's flags (--test, --inspect, --import tsx): the entry registers tsx itself.
      // No eval, a small heap, and an environment without the server's secrets (database URL, keys).
      execArgv: [`--max-old-space-size=${heapMb}`, `--max-semi-space-size=${semiSpaceMb}`, '--disallow-code-generation-from-strings'],
      env: { PATH: process.env.PATH ?? '', TMPDIR: os.tmpdir(), NODE_ENV: process.env.NODE_ENV ?? '' },
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.started++;
    const slot: Slot = { child, ready: false, gone: false, stderr: '' };
    this.slots.push(slot);
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      slot.stderr = (slot.stderr + chunk).slice(-4096);
    });
    slot.startup = setTimeout(() => this.fail(slot, new ExpressionError('the expression sandbox did not start in time')), this.limits.startupTimeoutMs);
    child.on('message', (m: SandboxReply | { ready: true }) => {
      if ('ready' in m) {
        clearTimeout(slot.startup);
        slot.ready = true;
        this.firstReadyAt ??= performance.now();
        this.idle(slot);
        this.pump();
      } else this.finish(slot, m);
    });
    child.on('error', (err) => this.fail(slot, new ExpressionError(`stopped the expression sandbox: ${err.message}`)));
    // 'close', not 'exit': by then its stderr is read to the end, and V8's out-of-memory report with it.
    child.on('close', (code, signal) => {
      const oom = /heap out of memory|Reached heap limit|Allocation failed/i.test(slot.stderr);
      // Whatever ends the process in the middle of a job was that job's doing: out of memory, or a crash of its making.
      const message = oom ? `ran out of memory (the sandbox allows ${heapMb} MB of heap)` : `ended the expression sandbox (${signal ?? `exit ${code}`})`;
      this.fail(slot, new ExpressionError(message, undefined, undefined, slot.busy !== undefined));
    });
  }

  /** An idle process must not keep the server's process alive; a job holds it while it runs. */
  private idle(slot: Slot): void {
    slot.child.unref();
    (slot.child.channel as { unref?: () => void } | undefined)?.unref?.();
    (slot.child.stderr as { unref?: () => void } | null)?.unref?.();
  }

  private hold(slot: Slot): void {
    slot.child.ref();
    (slot.child.channel as { ref?: () => void } | undefined)?.ref?.();
  }

  private assign(slot: Slot, pending: Pending, queuedMs: number): void {
    const startedAt = performance.now();
    const timer = setTimeout(
      () => this.fail(slot, new ExpressionError(`was stopped after ${Math.round(performance.now() - startedAt)} ms`, undefined, undefined, true)),
      pending.hardMs,
    );
    slot.busy = { pending, timer, startedAt, queuedMs };
    this.hold(slot);
    const sent = (job: unknown) =>
      slot.child.send(job as SandboxJob, (err) => err && this.fail(slot, new ExpressionError(`could not be sent to the sandbox: ${err.message}`)));
    try {
      sent(pending.job);
    } catch {
      // Inputs that cannot be cloned (a function somewhere) go as their JSON, as a response would.
      try {
        sent(JSON.parse(JSON.stringify(pending.job)));
      } catch (e) {
        this.release(slot);
        pending.reject(new ExpressionError(`has an input that cannot be sent to the sandbox: ${(e as Error).message}`));
      }
    }
  }

  private release(slot: Slot): void {
    if (!slot.busy) return;
    clearTimeout(slot.busy.timer);
    slot.busy = undefined;
    if (!slot.gone) this.idle(slot);
  }

  private finish(slot: Slot, reply: SandboxReply): void {
    const busy = slot.busy;
    if (!busy || busy.pending.job.id !== reply.id) return;
    this.release(slot);
    busy.pending.resolve({ ...reply, wallMs: performance.now() - busy.startedAt, queuedMs: busy.queuedMs });
    this.pump();
  }

  /** The process is lost (killed on time, out of memory, crashed): its job fails and a replacement starts. */
  private fail(slot: Slot, error: ExpressionError): void {
    if (slot.gone) return;
    const wasReady = slot.ready;
    this.slots = this.slots.filter((s) => s !== slot);
    void this.retire(slot, error);
    if (wasReady && this.slots.length < this.limits.processes) this.spawn();
    // A process that never started fails the next queued job instead of respawning in a loop.
    if (!wasReady && this.queue.length) this.queue.shift()!.reject(error);
    this.pump();
  }

  private async retire(slot: Slot, error: ExpressionError): Promise<void> {
    if (slot.gone) return;
    slot.gone = true;
    clearTimeout(slot.startup);
    const pending = slot.busy?.pending;
    this.release(slot);
    pending?.reject(error);
    if (slot.child.exitCode === null && slot.child.signalCode === null) {
      const exited = new Promise((resolve) => slot.child.once('exit', resolve));
      slot.child.kill('SIGKILL');
      await exited;
    }
  }
}
