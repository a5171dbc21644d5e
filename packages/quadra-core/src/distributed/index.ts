/** Data-parallel training across processes: the launch environment, the process group, the gradient reducer. */
export { launchEnv, type LaunchEnv, type Launcher } from './launch-env.js';
export { ProcessGroup, initProcessGroup, type InitOptions, type ReduceOp } from './process-group.js';
export { GradientReducer, type ReducerOptions, type ReducerTimes } from './reducer.js';
