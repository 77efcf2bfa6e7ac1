/**
 * Realistic drifting room climate for a virtual DHT22: temperature does a mean-reverting
 * random walk (Ornstein–Uhlenbeck, discretised) around a per-device baseline, and relative
 * humidity moves the other way (warmer air holds more water, so RH falls as it warms).
 */
export class ClimateWalk {
  private readonly baseT: number
  private readonly baseH: number
  private t: number
  private hNoise = 0

  constructor(private readonly random: () => number) {
    this.baseT = 18 + random() * 8
    this.baseH = 35 + random() * 25
    this.t = this.baseT
  }

  /** One reading, rounded like the firmware prints a DHT22 float (payloads._num). */
  step(): { temperature: number; humidity: number } {
    this.t += 0.05 * (this.baseT - this.t) + this.gauss() * 0.08
    this.hNoise = 0.9 * this.hNoise + this.gauss() * 0.15
    const h = this.baseH - 2 * (this.t - this.baseT) + this.hNoise
    return { temperature: round1(this.t), humidity: round1(Math.min(100, Math.max(0, h))) }
  }

  /** Standard normal via Box–Muller. */
  private gauss(): number {
    const u = Math.max(this.random(), 1e-12)
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.random())
  }
}

function round1(value: number): number {
  return Math.round(value * 10) / 10
}
