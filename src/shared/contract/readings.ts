import { z } from 'zod'
import { method } from './define'
import { DeviceId } from './devices'

/** Metric names: 'temperature' (°C), 'humidity' (%RH) or a generic metric (`[a-z0-9_]`). */
export const Metric = z.string().min(1).max(48)

/** One stored reading. */
export const ReadingPoint = z.object({
  deviceId: DeviceId,
  metric: Metric,
  ts: z.number().describe('epoch ms'),
  value: z.number(),
})
export type ReadingPoint = z.infer<typeof ReadingPoint>

/** Aggregate of the readings in [t, t + bucketMs). */
export const Bucket = z.object({
  t: z.number().describe('bucket start, epoch ms'),
  min: z.number(),
  avg: z.number(),
  max: z.number(),
  count: z.number().int(),
})
export type Bucket = z.infer<typeof Bucket>

export const ReadingsQuery = z
  .object({
    deviceId: DeviceId.optional(),
    deviceIds: z.array(DeviceId).max(100).optional(),
    metric: Metric.optional(),
    /** Default: temperature and humidity. */
    metrics: z.array(Metric).max(20).optional(),
    from: z.number().int().describe('epoch ms, inclusive'),
    to: z.number().int().describe('epoch ms, exclusive'),
    /**
     * How many buckets to split [from, to) into at most (a chart's width in points). Long
     * ranges are answered from per-minute or per-hour summaries: then `from` is aligned down
     * to the summary's boundary and the bucket width is a multiple of it (see bucketMs and t).
     */
    points: z.number().int().min(1).max(5000).default(300),
  })
  .strict()
  .refine((q) => q.deviceId !== undefined || (q.deviceIds?.length ?? 0) > 0, {
    message: 'give deviceId or deviceIds',
  })
  .refine((q) => q.to > q.from, { message: '"to" must be after "from"' })
export type ReadingsQuery = z.infer<typeof ReadingsQuery>

export const Series = z.object({ deviceId: DeviceId, metric: Metric, buckets: z.array(Bucket) })
export type Series = z.infer<typeof Series>

export const ReadingsQueryResult = z.object({
  from: z.number(),
  to: z.number(),
  bucketMs: z.number().int().min(1),
  /** One series per requested device × metric, in request order; empty buckets are omitted. */
  series: z.array(Series),
})
export type ReadingsQueryResult = z.infer<typeof ReadingsQueryResult>

export const readingsMethods = {
  /** Downsampled history for charts: min/avg/max per bucket, from raw readings or summaries. */
  'readings.query': method(
    ReadingsQuery,
    ReadingsQueryResult,
    'Downsampled readings (min/avg/max buckets) over a time range.',
  ),
  /** The most recent stored value of every metric, for one device or all. */
  'readings.latest': method(
    z.object({ deviceId: DeviceId.optional() }).strict(),
    z.array(ReadingPoint),
    'Latest stored value per device and metric.',
  ),
}

export const readingsEvents = {
  /** New readings, coalesced to at most 20 batches per second (oldest dropped past 5,000 per batch). */
  'readings.batch': z.array(ReadingPoint),
}
