import { useCallback, useEffect, useRef, useState } from 'react'
import type { ChipInfo, InstallFirmware, PortInfo } from '@shared/contract/installer'
import { BoardStep } from './BoardStep'
import { FirmwareStep } from './FirmwareStep'
import { toRequest } from './install-form'
import { InstallProgressView } from './InstallProgressView'
import { SettingsStep } from './SettingsStep'
import { useInstall } from './use-install'
import { useInstallForm } from './use-install-form'
import { WizardSteps, type WizardStep } from './WizardSteps'

/** Board → firmware → settings → one progress view to "online!". */
export function InstallWizard() {
  const [step, setStep] = useState<WizardStep>('board')
  const [form, update, reset] = useInstallForm()
  const { run, start, cancel } = useInstall()
  const running =
    run !== undefined &&
    run.result === undefined &&
    run.error === undefined &&
    run.progress?.stage !== 'failed'

  // An install already running (page reloaded mid-install) is shown straight away.
  useEffect(() => {
    if (run && step !== 'install') setStep('install')
    // Only when a run appears, not on every step change.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [run?.port])

  // Once an install copied files over the REPL, MicroPython runs on that board: installing
  // it again (a fixed Wi-Fi password, a retry) needs no flashing and keeps its id.
  // Once per run: "Install another board" on the same port must not inherit it.
  const marked = useRef(false)
  const runPort = run?.port
  const pastFlashing = run?.seen.includes('upload') ?? false
  const installedId = run?.result?.deviceId ?? run?.progress?.deviceId
  useEffect(() => {
    if (!runPort || !pastFlashing || marked.current) return
    marked.current = true
    update({ micropythonOn: runPort, reflash: false })
  }, [runPort, pastFlashing, update])
  // The id comes with the progress (after the MAC was read, when MicroPython was kept).
  useEffect(() => {
    if (marked.current && installedId) update({ knownDeviceId: installedId })
  }, [installedId, update])

  const onPort = useCallback((port: PortInfo) => update({ port }), [update])
  const onChip = useCallback((chip: ChipInfo | undefined) => update({ chip }), [update])
  const onFirmware = useCallback(
    (firmware: InstallFirmware | undefined, firmwareLabel?: string) =>
      update({ firmware, firmwareLabel }),
    [update],
  )
  const canInstall =
    form.port !== undefined && (form.firmware !== undefined || !!form.micropythonOn)
  const install = (): void => {
    marked.current = false
    setStep('install')
    start(toRequest(form))
  }

  return (
    <div className="wizard">
      <WizardSteps current={step} onGo={setStep} locked={running} />
      {step === 'board' && (
        <BoardStep
          port={form.port}
          chip={form.chip}
          onPort={onPort}
          onChip={onChip}
          onNext={() => setStep('firmware')}
        />
      )}
      {step === 'firmware' && (
        <FirmwareStep
          chip={form.chip}
          firmware={form.firmware}
          eraseAll={form.eraseAll}
          onFirmware={onFirmware}
          onEraseAll={(eraseAll) => update({ eraseAll })}
          onBack={() => setStep('board')}
          onNext={() => setStep('settings')}
        />
      )}
      {step === 'settings' && (
        <SettingsStep
          form={form}
          onChange={update}
          onBack={() => setStep('firmware')}
          onInstall={install}
        />
      )}
      {step === 'install' && run && (
        <InstallProgressView
          run={run}
          onCancel={cancel}
          onRetry={canInstall ? install : undefined}
          onEdit={() => setStep('settings')}
          onAnother={() => {
            reset()
            setStep('board')
          }}
        />
      )}
    </div>
  )
}
