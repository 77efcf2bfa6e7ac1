const count = new Intl.NumberFormat()

/** "1,234 topics", or once the explorer's cap was hit, that it is incomplete and by how much. */
export function topicCountText(
  shown: number,
  limits: { cap: number; evicted: number } | undefined,
): string {
  const topics = `${count.format(shown)} ${shown === 1 ? 'topic' : 'topics'}`
  if (!limits || limits.evicted === 0) return topics
  const older = limits.evicted === 1 ? 'older one' : 'older ones'
  return `${topics} shown; ${count.format(limits.evicted)} ${older} forgotten`
}
