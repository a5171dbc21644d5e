/** The `--device cpu|cuda` flag shared by train, eval and infer. */
import { ArgumentError, DEVICES, requireDevice, type Device } from '@quadranet/core';

export const DEVICE_FLAG = '--device <name>';
export const DEVICE_HELP = 'cpu | cuda: where the model, batches and optimizer state live';

/** Checks the flag's value and that the device can be used here; the error carries the backend's reason. */
export function deviceFromFlag(value: unknown): Device {
  const v = value ?? 'cpu';
  if (!(DEVICES as readonly unknown[]).includes(v)) throw new ArgumentError(`--device must be one of ${DEVICES.join(', ')}, got ${JSON.stringify(v)}`);
  requireDevice(v as Device);
  return v as Device;
}
