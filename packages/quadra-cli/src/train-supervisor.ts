/**
 * Ctrl-C for `quadra train` without a signal reaching the training process. A signal handled while
 * a native kernel runs on the same thread can corrupt that step or crash the process (measured: a
 * caught SIGUSR2 every 0.13 s broke 3 of 3 native runs — NaN gradient, SIGSEGV, heap corruption —
 * and 0 of 2 runs on the reference backend). So the command trains in a child process in its own
 * session: the terminal's SIGINT reaches only this parent, which asks the child over IPC to stop after
 * the current step. A second Ctrl-C kills the child. If the parent dies, the child stops the same way.
 *
 * With --nproc N the parent is also the launcher of a data-parallel run on this machine: it starts N
 * children with torchrun's variables (RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR=127.0.0.1, a free
 * MASTER_PORT) and, unless --threads or QUADRA_NUM_THREADS says otherwise, cores / N compute threads
 * each. Rank 0's output is the command's; when a rank fails, the others are stopped after a grace
 * period, and the exit code is the first failure's.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { availableParallelism, constants } from 'node:os';

const CHILD_ENV = 'QUADRA_TRAIN_CHILD';
/** How long the other ranks get to report their own error after one rank failed. */
const GRACE_MS = 15_000;

/** True in the child that runs the training. */
export function isTrainChild(): boolean {
  return process.env[CHILD_ENV] === '1' && typeof process.send === 'function';
}

/** A TCP port free at the moment of asking (for MASTER_PORT). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** The environment of rank `rank` of an N-process run on this machine. */
function rankEnv(rank: number, nproc: number, port: number, threadsGiven: boolean, runId: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, [CHILD_ENV]: '1' };
  if (nproc > 1) {
    Object.assign(env, { RANK: String(rank), WORLD_SIZE: String(nproc), LOCAL_RANK: String(rank), MASTER_ADDR: '127.0.0.1', MASTER_PORT: String(port), QUADRA_RUN_ID: runId });
    if (!threadsGiven && !process.env.QUADRA_NUM_THREADS) env.QUADRA_NUM_THREADS = String(Math.max(1, Math.floor(availableParallelism() / nproc)));
  }
  return env;
}

/**
 * In the parent: runs this same command line in `nproc` children (ranks 0..nproc-1 when nproc > 1);
 * resolves with the exit code (the first failing rank's; 130 after Ctrl-C).
 */
export async function superviseTraining(nproc = 1, threadsGiven = false): Promise<number> {
  const port = nproc > 1 ? await freePort() : 0;
  const runId = randomBytes(8).toString('hex');
  const children: ChildProcess[] = [];
  let first: number | null = null;
  let grace: NodeJS.Timeout | null = null;
  const fail = (code: number) => {
    if (first !== null) return;
    first = code;
    // the other ranks see the failure in their next collective; kill those that do not stop
    grace = setTimeout(() => children.forEach((o) => o.exitCode === null && o.signalCode === null && o.kill('SIGKILL')), GRACE_MS);
    grace.unref();
  };
  for (let rank = 0; rank < nproc; rank++) {
    const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
      stdio: ['inherit', rank === 0 ? 'inherit' : 'ignore', 'inherit', 'ipc'], detached: true, env: rankEnv(rank, nproc, port, threadsGiven, runId),
    });
    child.on('error', (err) => {
      console.error(`rank ${rank}: could not start: ${err.message}`);
      fail(1);
    });
    children.push(child);
  }
  let asked = false;
  const onSigint = () => {
    if (asked) {
      for (const c of children) c.kill('SIGKILL');
      return;
    }
    asked = true;
    console.error('\nstopping after this step (Ctrl-C again to quit now)');
    for (const c of children) if (c.connected) c.send('interrupt');
  };
  // a launcher or scheduler stopping us (SIGTERM): the children stop after their step, as on Ctrl-C
  // (metrics written, checkpoint kept), and are killed if they have not within the grace period
  const onSigterm = () => {
    for (const c of children) if (c.connected) c.send('interrupt');
    fail(128 + constants.signals.SIGTERM);
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  await Promise.all(children.map((child) => new Promise<void>((resolve) => {
    child.on('exit', (code, signal) => {
      // a child killed by a signal exits 128 + its number, as a shell reports it (SIGKILL: 137)
      // (after Ctrl-C twice, the SIGKILL the user asked for still reads as an interruption: 130)
      const c = code ?? (asked ? 130 : signal ? 128 + (constants.signals[signal] ?? 0) : 1);
      if (c !== 0) fail(c);
      resolve();
    });
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) resolve();
  })));
  if (grace) clearTimeout(grace);
  process.off('SIGINT', onSigint);
  process.off('SIGTERM', onSigterm);
  return first ?? 0;
}

/** In the child: a signal that fires when the parent asks to stop (Ctrl-C) or goes away. */
export function parentInterrupt(): AbortSignal {
  const ctl = new AbortController();
  process.on('message', (m) => m === 'interrupt' && ctl.abort());
  process.on('disconnect', () => ctl.abort());
  process.channel?.unref(); // the channel alone does not keep the child alive
  return ctl.signal;
}
