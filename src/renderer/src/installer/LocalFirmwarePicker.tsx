import { useState } from 'react'
import type { ChipInfo, ImageInfo } from '@shared/contract/flasher'
import { useApi } from '../api/api-context'
import { ErrorBanner } from '../components/ErrorBanner'
import { importFirmware } from './import-firmware'

/** Picks a .bin, sends it to the core and checks it against the detected chip. */
export function LocalFirmwarePicker({
  chip,
  onReady,
  onCleared,
}: {
  chip: ChipInfo | undefined
  onReady: (localId: string, name: string) => void
  onCleared: () => void
}) {
  const api = useApi()
  const [progress, setProgress] = useState<number>()
  const [error, setError] = useState<unknown>()
  const [checked, setChecked] = useState<{ name: string; image: ImageInfo }>()

  const choose = async (file: File | undefined): Promise<void> => {
    onCleared()
    setChecked(undefined)
    setError(undefined)
    if (!file) return
    try {
      setProgress(0)
      const local = await importFirmware(api, file, setProgress)
      const image = await api.call('firmware.validateLocal', {
        localId: local.localId,
        ...(chip ? { chip: chip.chip } : {}),
        ...(chip?.flashSizeBytes ? { flashSizeBytes: chip.flashSizeBytes } : {}),
      })
      setChecked({ name: local.name, image })
      onReady(local.localId, local.name)
    } catch (err) {
      setError(err)
    } finally {
      setProgress(undefined)
    }
  }

  return (
    <div className="local-firmware">
      <input
        type="file"
        accept=".bin,application/octet-stream"
        aria-label="Firmware file"
        onChange={(e) => void choose(e.target.files?.[0])}
      />
      {progress !== undefined && (
        <progress max={1} value={progress} aria-label="Sending the file to the app">
          {Math.round(progress * 100)} %
        </progress>
      )}
      <ErrorBanner error={error} />
      {checked && chip && (
        <p className="note-ok" role="status">
          ✓ {checked.name}: image for {checked.image.chip ?? 'an unknown chip'},{' '}
          {Math.round(checked.image.size / 1024)} KiB, fits this {chip.chip}.
        </p>
      )}
      {checked && !chip && (
        <p className="hint" role="status">
          {checked.name}: image for {checked.image.chip ?? 'an unknown chip'},{' '}
          {Math.round(checked.image.size / 1024)} KiB. The chip was not detected yet: the installer
          checks the image against it before anything is erased.
        </p>
      )}
    </div>
  )
}
