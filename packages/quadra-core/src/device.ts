/** Devices. `cpu` is always present; `cuda` needs quadra_cuda.node and a GPU (deviceAvailability says why not). */
import { DeviceError } from './errors.js';

export type Device = 'cpu' | 'cuda';
export const DEVICES: readonly Device[] = ['cpu', 'cuda'];

export function checkDevice(name: string, device: unknown): Device {
  if (device === 'cpu' || device === 'cuda') return device;
  throw new DeviceError(`${name} must be 'cpu' or 'cuda', got ${JSON.stringify(device)}`);
}
