/**
 * Ctrl-C for `quadra train` without a signal reaching the training process. A signal handled while
 * a native kernel runs on the same thread can corrupt that step or crash the process (measured: a
 * caught SIGUSR2 every 0.13 s broke 3 of 3 native runs — NaN gradient, SIGSEGV, heap corruption —
 * and 0 of 2 runs on the reference backend). So the command trains in a child process in its own
 * session: the terminal's SIGINT reaches only this parent, which asks the child over IPC to stop after
 * the current step. A second Ctrl-C kills the child. If the parent dies, the child stops the same way.
 */
import { spawn } from 'node:child_process';

const CHILD_ENV = 'QUADRA_TRAIN_CHILD';

/** True in the child that runs the training. */
export function isTrainChild(): boolean {
  return process.env[CHILD_ENV] === '1' && typeof process.send === 'function';
}

/** In the parent: runs this same command line in a child; resolves with its exit code (130 after Ctrl-C). */
export function superviseTraining(): Promise<number> {
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'], detached: true, env: { ...process.env, [CHILD_ENV]: '1' },
  });
  let asked = false;
  const onSigint = () => {
    if (asked) {
      child.kill('SIGKILL');
      return;
    }
    asked = true;
    console.error('\nstopping after this step (Ctrl-C again to quit now)');
    if (child.connected) child.send('interrupt');
  };
  process.on('SIGINT', onSigint);
  return new Promise((resolve) => {
    child.on('exit', (code) => {
      process.off('SIGINT', onSigint);
      resolve(code ?? 130);
    });
  });
}

/** In the child: a signal that fires when the parent asks to stop (Ctrl-C) or goes away. */
export function parentInterrupt(): AbortSignal {
  const ctl = new AbortController();
  process.on('message', (m) => m === 'interrupt' && ctl.abort());
  process.on('disconnect', () => ctl.abort());
  process.channel?.unref(); // the channel alone does not keep the child alive
  return ctl.signal;
}
