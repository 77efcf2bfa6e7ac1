import { z } from 'zod'
import { method, NoParams } from './define'

export const SimulatorStatus = z.object({
  running: z.boolean(),
  /** Ids of the virtual devices (`sim-001`, …). */
  devices: z.array(z.string()),
  rateHz: z.number(),
  /** Telemetry messages published since start. */
  published: z.number().int().min(0),
  startedAt: z.number().nullable(),
  /** Broker URL the virtual devices connect to. */
  brokerUrl: z.string().nullable(),
  lastError: z.string().nullable(),
})
export type SimulatorStatus = z.infer<typeof SimulatorStatus>

export const SimulatorStart = z
  .object({
    count: z.number().int().min(1).max(500).default(3),
    /** Telemetry messages per second per device. */
    rateHz: z.number().min(0.01).max(50).default(1),
  })
  .strict()

export const simulatorMethods = {
  'simulator.start': method(
    SimulatorStart,
    SimulatorStatus,
    'Start virtual ESP32 devices on the embedded broker (speaking the firmware protocol).',
  ),
  'simulator.stop': method(
    NoParams,
    SimulatorStatus,
    'Stop the virtual devices (they publish offline).',
  ),
  'simulator.status': method(NoParams, SimulatorStatus, 'What the simulator is doing.'),
}

export const simulatorEvents = {}
