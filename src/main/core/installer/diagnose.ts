/**
 * Why a board that was installed never said `online`: read what it printed after the
 * reset (the redacted serial capture) and name the likely cause in plain words. The
 * patterns are the firmware's own log lines (firmware/lib/iotfw/wifi.py, mqtt_link.py,
 * startup.py, safe_mode.py; log.py prefixes them "[I 1234] ").
 */
export interface Diagnosis {
  /** One sentence for the person, quoting the board when it said something useful. */
  message: string
  hint: string
  /** The board's line the diagnosis is based on, if any. */
  evidence?: string
}

/** ESP32 MicroPython network.STAT_* values (ports/esp32/network_wlan.c; wifi_err_reason_t). */
const WIFI_STATUS: Record<string, { what: string; hint: string }> = {
  '202': {
    what: 'the Wi-Fi password is wrong',
    hint: 'Check the Wi-Fi password (it is case-sensitive) and install again.',
  },
  '201': {
    what: 'it cannot find the Wi-Fi network',
    hint: 'Check the network name; the ESP32 only sees 2.4 GHz networks. Move the board closer to the router.',
  },
  '200': {
    what: 'the Wi-Fi signal was lost (beacon timeout)',
    hint: 'Move the board closer to the access point.',
  },
  '203': {
    what: 'the access point refused the connection',
    hint: 'Check MAC filtering and the maximum number of clients on the router.',
  },
  '204': {
    what: 'the Wi-Fi handshake timed out (often a wrong password)',
    hint: 'Check the Wi-Fi password and that the network uses WPA2 (WPA3-only networks are not supported).',
  },
}

/** lwIP / MicroPython errno values seen in "mqtt down: OSError(n, …)". */
const MQTT_ERRNO: Record<string, { what: string; hint: string }> = {
  '111': {
    what: 'the broker refused the connection (ECONNREFUSED)',
    hint: 'Is the broker running on that port? A firewall on this computer may block it: allow incoming TCP on the broker port.',
  },
  '113': {
    what: 'the broker host is unreachable (EHOSTUNREACH)',
    hint: 'The board and this computer must be on the same network; guest Wi-Fi often isolates devices.',
  },
  '110': {
    what: 'the connection to the broker timed out (ETIMEDOUT)',
    hint: 'A firewall on this computer probably drops the connection: allow incoming TCP on the broker port.',
  },
  '104': {
    what: 'the broker closed the connection (ECONNRESET), usually because it refused the login',
    hint: 'Install again so the app issues fresh broker credentials, or check the username and password of your broker.',
  },
  '-202': {
    what: 'the broker host name could not be resolved',
    hint: 'Use the broker’s IP address instead of its name.',
  },
}

export function diagnose(
  serialLog: string,
  context: { brokerHost: string; brokerPort: number },
): Diagnosis {
  const lines = serialLog.split(/\r?\n/).map((l) => l.trim())
  const last = (re: RegExp): string | undefined => lines.findLast((l) => re.test(l))
  const quote = (line: string): string =>
    `the board printed “${line.replace(/^\[[DIWE] \d+\] /, '')}”`

  const safe = last(/SAFE MODE/)
  if (safe) {
    return {
      message: `The app did not start: ${quote(safe)}.`,
      hint: 'Release the BOOT button and press EN/RESET.',
      evidence: safe,
    }
  }
  const config = last(/CONFIG ERROR:/)
  if (config) {
    return {
      message: `The board rejected its settings: ${quote(config)}.`,
      hint: 'Install again; if it repeats, open the console and check config.json.',
      evidence: config,
    }
  }
  const wifiFail = last(/wifi attempt \d+ failed \(status -?\d+\)/)
  const wifiUp = last(/wifi up, ip /)
  if (wifiFail && !wifiUp) {
    const status = /status (-?\d+)/.exec(wifiFail)?.[1] ?? ''
    const known = WIFI_STATUS[status]
    return {
      message: `The board could not join Wi-Fi: ${quote(wifiFail)}${known ? `, which means ${known.what}` : ''}.`,
      hint: known?.hint ?? 'Check the Wi-Fi name and password and that the network is 2.4 GHz.',
      evidence: wifiFail,
    }
  }
  const mqttDown = last(/mqtt down: /)
  const mqttUp = last(/mqtt connected to /)
  // Any drop counts, even after a "connected": a healthy link would have been seen online.
  if (mqttDown) {
    const errno = /(?:OSError|MQTTException)\((-?\d+)/.exec(mqttDown)?.[1] ?? ''
    const auth = /MQTTException\((4|5)\b/.test(mqttDown)
    const known = auth
      ? {
          what: 'the broker refused the username or password',
          hint: 'Install again so the app issues fresh broker credentials.',
        }
      : MQTT_ERRNO[errno]
    return {
      message: `The board joined Wi-Fi but not the broker at ${context.brokerHost}:${context.brokerPort}: ${quote(mqttDown)}${known ? `, which means ${known.what}` : ''}.`,
      hint: known?.hint ?? 'Check that this computer is reachable from the board’s network.',
      evidence: mqttDown,
    }
  }
  const crash = last(/fatal: |Traceback|Error:/)
  if (crash) {
    return {
      message: `The firmware stopped with an error: ${quote(crash)}.`,
      hint: 'Copy the console output into a bug report; installing again with "erase flash" may help.',
      evidence: crash,
    }
  }
  if (mqttUp) {
    return {
      message: `The board says it connected to ${context.brokerHost}:${context.brokerPort}, but the app never saw its “online” status.`,
      hint: 'If you use your own broker, add it under Broker → Connections so the app listens to it.',
      evidence: mqttUp,
    }
  }
  const connecting = last(/wifi connecting/)
  if (connecting) {
    return {
      message: `The board kept trying to join Wi-Fi without success (${quote(connecting)}).`,
      hint: 'Check the Wi-Fi name and password and that the network is 2.4 GHz and in range.',
      evidence: connecting,
    }
  }
  if (!lines.some((l) => l !== '')) {
    return {
      message: 'The board printed nothing after restarting.',
      hint: 'Press EN/RESET on the board and open the console to see what it does.',
    }
  }
  return {
    message: 'The board restarted but never reported online.',
    hint: 'Open the console to see what it prints.',
  }
}

/**
 * Wi-Fi statuses no amount of waiting cures (network.STAT_WRONG_PASSWORD = 202,
 * STAT_NO_AP_FOUND = 201 on the ESP32 port), with the failure the install reports.
 */
const FATAL_WIFI: Record<string, string> = {
  '202': 'WIFI_WRONG_PASSWORD',
  '201': 'WIFI_NOT_FOUND',
}

/**
 * Reads the board's lines after the reset as they come and says when waiting for it to come
 * online is pointless: the same fatal Wi-Fi status on two attempts in a row (the firmware
 * retries after about 2 s). One is not enough: a real ESP32 now and then misses the access
 * point on a scan, or gets an AUTH_FAIL from a busy router, and joins on the next attempt.
 */
export class WifiFailureWatch {
  private previous = ''

  /** The failure ("WIFI_WRONG_PASSWORD", "WIFI_NOT_FOUND") once final, else null. */
  feed(line: string): string | null {
    if (/wifi up, ip /.test(line)) {
      this.previous = ''
      return null
    }
    const status = /wifi attempt \d+ failed \(status (-?\d+)\)/.exec(line)?.[1]
    if (status === undefined) return null
    const fatal = FATAL_WIFI[status] !== undefined && status === this.previous
    this.previous = status
    return fatal ? (FATAL_WIFI[status] ?? null) : null
  }
}
