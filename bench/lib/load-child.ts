/**
 * The load generator's process: receives commands from load-process.ts over the IPC
 * channel, runs them on one Fleet, answers each with its result (or error) and reports
 * progress once a second while publishing.
 */
import { Fleet } from './load-generator'
import type { LoadReply, LoadRequest } from './load-process'

let fleet: Fleet | undefined

function reply(message: LoadReply): void {
  process.send?.(message)
}

async function handle(request: LoadRequest): Promise<unknown> {
  switch (request.type) {
    case 'connect':
      if (fleet) throw new Error('already connected')
      fleet = new Fleet(request.options)
      try {
        return await fleet.connect()
      } catch (error) {
        fleet = undefined
        throw error
      }
    case 'burst':
    case 'paced': {
      const current = fleet
      if (!current) throw new Error('connect first')
      const progress = setInterval(() => reply({ type: 'progress', ...current.progress() }), 1000)
      try {
        return request.type === 'burst'
          ? await current.burst(request.messages)
          : await current.paced(request.options)
      } finally {
        clearInterval(progress)
      }
    }
    case 'disconnect': {
      const current = fleet
      fleet = undefined
      return current ? await current.disconnect() : { ms: 0 }
    }
  }
}

process.on('message', (message: LoadRequest) => {
  handle(message).then(
    (result) => reply({ type: 'result', id: message.id, result }),
    (error: unknown) =>
      reply({
        type: 'result',
        id: message.id,
        error: error instanceof Error ? error.message : String(error),
      }),
  )
})
// The parent went away: nothing left to do.
process.on('disconnect', () => process.exit(0))
reply({ type: 'ready' })
