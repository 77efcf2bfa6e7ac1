import { useCallback, useEffect, useRef, useState } from 'react'
import type {
  InstallProgress,
  InstallRequest,
  InstallResult,
  InstallStage,
} from '@shared/contract/installer'
import { useApi, useEvent } from '../api/api-context'

export interface InstallRun {
  port: string
  progress: InstallProgress | undefined
  /** Stages that reported progress, in order: the others were skipped. */
  seen: InstallStage[]
  result?: InstallResult
  error?: unknown
  /** What the board printed during the install (bounded). */
  log: string
}

const MAX_LOG = 20_000

/**
 * Runs `installer.run` and follows its `installer.progress` and `serial.data` events for
 * that port. On mount it picks up an install already running (after a reload).
 */
export function useInstall(): {
  run: InstallRun | undefined
  start: (request: InstallRequest) => void
  cancel: () => void
} {
  const api = useApi()
  const [run, setRun] = useState<InstallRun>()
  const port = useRef<string | undefined>(undefined)

  useEffect(() => {
    api.call('installer.active', {}).then(
      (active) => {
        const first = active[0]
        if (first && !port.current) {
          port.current = first.port
          setRun({ port: first.port, progress: first, seen: [], log: '' })
        }
      },
      () => {},
    )
  }, [api])

  useEvent(
    'installer.progress',
    useCallback((p: InstallProgress) => {
      if (p.port !== port.current) return
      setRun((old) => {
        if (!old) return old
        const stage = p.stage === 'done' || p.stage === 'failed' ? undefined : p.stage
        const seen = stage && !old.seen.includes(stage) ? [...old.seen, stage] : old.seen
        return { ...old, progress: p, seen }
      })
    }, []),
  )
  useEvent(
    'serial.data',
    useCallback(({ port: p, text }: { port: string; text: string }) => {
      if (p !== port.current) return
      setRun((old) => (old ? { ...old, log: (old.log + text).slice(-MAX_LOG) } : old))
    }, []),
  )

  const start = useCallback(
    (request: InstallRequest) => {
      port.current = request.port
      setRun({ port: request.port, progress: undefined, seen: [], log: '' })
      api.call('installer.run', request).then(
        (result) => setRun((old) => (old && old.port === request.port ? { ...old, result } : old)),
        (error: unknown) =>
          setRun((old) => (old && old.port === request.port ? { ...old, error } : old)),
      )
    },
    [api],
  )

  const cancel = useCallback(() => {
    if (port.current) void api.call('installer.cancel', { port: port.current })
  }, [api])

  return { run, start, cancel }
}
