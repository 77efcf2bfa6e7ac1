/**
 * Turns what mqtt.js, net and tls throw into a sentence the person can act on. The first
 * words name the kind ("auth refused", "TLS untrusted", "host unreachable") so the UI and
 * tests can match on them.
 */
export function describeMqttError(error: unknown, url: string): string {
  const err = error as { code?: unknown; message?: unknown } | undefined
  const code = err?.code
  const message = typeof err?.message === 'string' ? err.message : String(error)
  const where = hostOf(url)

  // CONNACK return codes: MQTT 3.1.1 §3.2.2.3 (4, 5) and MQTT 5 §3.2.2.2 (0x86, 0x87).
  if (code === 4 || code === 134) return `auth refused: bad username or password for ${where}`
  if (code === 5 || code === 135) return `auth refused: not authorized to connect to ${where}`
  if (typeof code === 'number') return `refused by the broker: ${message}`

  switch (code) {
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'CERT_UNTRUSTED':
    case 'CERT_SIGNATURE_FAILURE':
      return `TLS untrusted: ${where} presented a certificate not signed by a trusted CA (add the broker's CA certificate)`
    case 'CERT_HAS_EXPIRED':
      return `TLS untrusted: the certificate of ${where} has expired`
    case 'CERT_NOT_YET_VALID':
      return `TLS untrusted: the certificate of ${where} is not valid yet (check this computer's clock)`
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `TLS untrusted: the certificate is not for ${where} (${message})`
    case 'ECONNREFUSED':
      return `host unreachable: nothing accepts connections at ${where} (is the broker running on that port?)`
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `host unreachable: the name in ${where} could not be resolved`
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ETIMEDOUT':
      return `host unreachable: no route to ${where}`
    case 'ECONNRESET':
    case 'EPIPE':
      return `connection lost: ${where} closed the connection`
  }
  if (/wrong version number|unknown protocol|packet length too long/i.test(message)) {
    return `TLS failed: ${where} did not answer with TLS (is this a plain MQTT port?)`
  }
  if (/connack timeout|connect timeout/i.test(message)) {
    return `no answer: ${where} did not accept the MQTT connection in time`
  }
  if (/keepalive timeout/i.test(message)) return `connection lost: ${where} stopped answering`
  return message
}

function hostOf(url: string): string {
  try {
    const parsed = new URL(url)
    return parsed.port ? `${parsed.hostname}:${parsed.port}` : parsed.hostname
  } catch {
    return url
  }
}
