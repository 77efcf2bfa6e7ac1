import { useState } from 'react'
import {
  defaultDeviceId,
  keepsMicroPython,
  settingsProblems,
  type InstallForm,
} from './install-form'
import { Field } from './Field'

/** Step 3: what the board should know: its name, your Wi-Fi, the broker, the sensor. */
export function SettingsStep({
  form,
  onChange,
  onBack,
  onInstall,
}: {
  form: InstallForm
  onChange: (patch: Partial<InstallForm>) => void
  onBack: () => void
  onInstall: () => void
}) {
  const [tried, setTried] = useState(false)
  const [showWifi, setShowWifi] = useState(false)
  const problems = tried ? settingsProblems(form) : {}
  const text = (key: keyof InstallForm) => ({
    id: `f-${key}`,
    value: String(form[key] ?? ''),
    'aria-invalid': problems[key] ? true : undefined,
    'aria-describedby': `f-${key}-msg`,
    onChange: (e: { target: { value: string } }) => onChange({ [key]: e.target.value }),
  })
  const knownId = defaultDeviceId(form)
  const macId = knownId ?? 'esp32- + the last 6 digits of the board’s MAC'
  const keep = keepsMicroPython(form)
  const onBoard = form.port !== undefined && form.micropythonOn === form.port.path

  return (
    <section className="card wizard-step" aria-labelledby="settings-title">
      <h2 id="settings-title">3. Settings for the board</h2>
      {onBoard && (
        <div className="reinstall-note" role="note">
          <p>
            {keep
              ? 'MicroPython is already on this board (the last install got that far): Install only copies our firmware and these settings. No download mode needed.'
              : 'MicroPython will be flashed again: the board must be in download mode.'}
          </p>
          <label className="check">
            <input
              type="checkbox"
              checked={form.reflash}
              onChange={(e) => onChange({ reflash: e.target.checked })}
            />
            Flash MicroPython again first
          </label>
        </div>
      )}
      <form
        className="settings-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault()
          setTried(true)
          if (Object.keys(settingsProblems(form)).length === 0) onInstall()
        }}
      >
        <fieldset>
          <legend>Device</legend>
          <Field id="f-name" label="Name" problem={problems.name}>
            <input {...text('name')} placeholder="Living room" />
          </Field>
          <Field
            id="f-deviceId"
            label="Device id"
            problem={problems.deviceId}
            hint={
              knownId
                ? `Optional. Default: ${knownId}`
                : `Optional. Default: ${macId}, read from the board during the install`
            }
          >
            <input {...text('deviceId')} placeholder={macId} />
          </Field>
        </fieldset>
        <fieldset>
          <legend>Wi-Fi (2.4 GHz)</legend>
          <Field id="f-ssid" label="Network name" problem={problems.ssid}>
            <input {...text('ssid')} autoComplete="off" />
          </Field>
          <Field
            id="f-wifiPassword"
            label="Password"
            problem={problems.wifiPassword}
            hint="Stored only on the board, in secrets.py."
          >
            <span className="input-with-button">
              <input
                {...text('wifiPassword')}
                type={showWifi ? 'text' : 'password'}
                autoComplete="new-password"
              />
              <button type="button" className="small" onClick={() => setShowWifi(!showWifi)}>
                {showWifi ? 'Hide' : 'Show'}
              </button>
            </span>
          </Field>
        </fieldset>
        <fieldset>
          <legend>Broker</legend>
          <div className="choice-row" role="radiogroup" aria-label="Broker">
            <label className="check">
              <input
                type="radio"
                name="broker"
                checked={form.broker === 'embedded'}
                onChange={() => onChange({ broker: 'embedded' })}
              />
              This app’s broker (a login is created for the board)
            </label>
            <label className="check">
              <input
                type="radio"
                name="broker"
                checked={form.broker === 'external'}
                onChange={() => onChange({ broker: 'external' })}
              />
              My own broker
            </label>
          </div>
          {form.broker === 'external' && (
            <div className="field-grid">
              <Field id="f-host" label="Host" problem={problems.host}>
                <input {...text('host')} placeholder="192.168.1.10" />
              </Field>
              <Field id="f-brokerPort" label="Port" problem={problems.brokerPort}>
                <input {...text('brokerPort')} inputMode="numeric" />
              </Field>
              <Field id="f-username" label="User name">
                <input {...text('username')} autoComplete="off" />
              </Field>
              <Field id="f-password" label="Password">
                <input {...text('password')} type="password" autoComplete="new-password" />
              </Field>
              <label className="check">
                <input
                  type="checkbox"
                  checked={form.tls}
                  onChange={(e) => onChange({ tls: e.target.checked })}
                />
                TLS
              </label>
            </div>
          )}
        </fieldset>
        <fieldset>
          <legend>Sensor</legend>
          <div className="field-grid">
            <Field id="f-sensorType" label="Type">
              <select
                id="f-sensorType"
                value={form.sensorType}
                onChange={(e) =>
                  onChange({ sensorType: e.target.value === 'DHT11' ? 'DHT11' : 'DHT22' })
                }
              >
                <option value="DHT22">DHT22 / AM2302</option>
                <option value="DHT11">DHT11</option>
              </select>
            </Field>
            <Field id="f-pin" label="Data pin (GPIO)" problem={problems.pin}>
              <input {...text('pin')} inputMode="numeric" />
            </Field>
            <Field id="f-intervalS" label="Read every (s)" problem={problems.intervalS}>
              <input {...text('intervalS')} inputMode="decimal" />
            </Field>
          </div>
        </fieldset>
        <div className="wizard-actions">
          <button type="button" onClick={onBack}>
            Back
          </button>
          <button type="submit" className="primary">
            ⚡ Install
          </button>
        </div>
      </form>
    </section>
  )
}
