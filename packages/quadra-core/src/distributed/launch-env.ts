/**
 * Where this process stands in a multi-process run, from the launcher's environment: torchrun's
 * (RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT; `quadra train --nproc` sets the same),
 * Open MPI's mpirun (OMPI_COMM_WORLD_*), MPICH/Hydra (PMI_*) or Slurm's srun (SLURM_*, inside a step). With no
 * launcher it is a world of one. The ranks meet at MASTER_ADDR:MASTER_PORT (default
 * 127.0.0.1:29500, which suits one machine; across machines set MASTER_ADDR to rank 0's host).
 */
import { EnvironmentError } from '../errors.js';

export type Launcher = 'torchrun' | 'mpirun' | 'pmi' | 'slurm' | 'none';

export interface LaunchEnv {
  rank: number;
  worldSize: number;
  /** The rank among the processes of this machine. */
  localRank: number;
  masterAddr: string;
  masterPort: number;
  /**
   * The port rank 0 serves the rendezvous store on: MASTER_PORT, or MASTER_PORT + 1 under a
   * torchrun whose agent already serves its own store there (TORCHELASTIC_USE_AGENT_STORE).
   */
  storePort: number;
  /** Prefixes the store's keys: torchrun's TORCHELASTIC_RUN_ID, `quadra train --nproc`'s QUADRA_RUN_ID, or ''. */
  runId: string;
  launcher: Launcher;
}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, min: number, max: number): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const v = Number(raw.trim());
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new EnvironmentError(name, `${name}=${JSON.stringify(raw)} is not accepted; expected an integer in [${min}, ${max}]`);
  }
  return v;
}

// Each launcher's (rank, world size, local rank) variables, in the order they are looked for.
const LAUNCHERS: [Launcher, string, string, string][] = [
  ['torchrun', 'RANK', 'WORLD_SIZE', 'LOCAL_RANK'],
  ['mpirun', 'OMPI_COMM_WORLD_RANK', 'OMPI_COMM_WORLD_SIZE', 'OMPI_COMM_WORLD_LOCAL_RANK'],
  ['pmi', 'PMI_RANK', 'PMI_SIZE', 'MPI_LOCALRANKID'],
  // inside an srun step only (SLURM_STEP_ID set): a batch script or salloc shell is one process
  ['slurm', 'SLURM_PROCID', 'SLURM_STEP_NUM_TASKS', 'SLURM_LOCALID'],
];

export function launchEnv(env: Env = process.env): LaunchEnv {
  const masterAddr = env.MASTER_ADDR?.trim() || '127.0.0.1';
  const masterPort = int(env, 'MASTER_PORT', 1, 65535) ?? 29500;
  const agentStore = /^(1|true)$/i.test(env.TORCHELASTIC_USE_AGENT_STORE ?? '');
  const common = {
    masterAddr, masterPort, storePort: agentStore ? (masterPort % 65535) + 1 : masterPort,
    runId: env.TORCHELASTIC_RUN_ID?.trim() || env.QUADRA_RUN_ID?.trim() || '',
  };
  for (const [launcher, rankVar, sizeVar, localVar] of LAUNCHERS) {
    if (launcher === 'slurm' && env.SLURM_STEP_ID === undefined && env.SLURM_STEPID === undefined) continue;
    const size = int(env, sizeVar, 1, 1 << 20);
    const rank = size === undefined ? undefined : int(env, rankVar, 0, size - 1);
    if (size === undefined && env[rankVar] !== undefined) {
      throw new EnvironmentError(sizeVar, `${rankVar} is set but ${sizeVar} is not: set both (the world size and this process's rank)`);
    }
    if (size === undefined) continue;
    if (rank === undefined) throw new EnvironmentError(rankVar, `${sizeVar} is set but ${rankVar} is not: set both (the world size and this process's rank)`);
    const localRank = int(env, localVar, 0, 1 << 20) ?? 0;
    return { rank, worldSize: size, localRank, ...common, launcher };
  }
  return { rank: 0, worldSize: 1, localRank: 0, ...common, launcher: 'none' };
}
