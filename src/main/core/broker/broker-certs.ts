import { createHash, generateKeyPairSync, X509Certificate } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { isIP } from 'node:net'
import { join } from 'node:path'
import forge from 'node-forge'
import type { Logger } from '../base/logger'

export interface BrokerTlsFiles {
  caPem: string
  certPem: string
  keyPem: string
  /** DNS names and IPs the server certificate covers. */
  serverNames: string[]
  /** SHA-256 of the CA certificate (DER), colon-separated hex. */
  caFingerprint: string
}

const CA_YEARS = 10
const SERVER_YEARS = 2

/**
 * The app's own small PKI for MQTT over TLS: a CA (kept, so devices that trust it keep
 * working) and a server certificate signed by it, with SANs for localhost, 127.0.0.1 and
 * this computer's LAN addresses (RFC 5280 §4.2.1.6). Stored in `<dataDir>/broker-tls/`,
 * keys with mode 0600, and reused across restarts; the server certificate is reissued
 * when a name is missing (new LAN address) or it is about to expire.
 */
export function ensureBrokerTls(
  dataDir: string,
  names: string[],
  logger: Logger,
  now = Date.now(),
): BrokerTlsFiles {
  const dir = join(dataDir, 'broker-tls')
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const file = (name: string): string => join(dir, name)
  const wanted = [...new Set(['localhost', '127.0.0.1', ...names])]

  if (!existsSync(file('ca.pem')) || !existsSync(file('ca.key'))) {
    const ca = createCertificate({
      commonName: 'ESP32 IoT Control Center CA',
      years: CA_YEARS,
      now,
    })
    writeFileSync(file('ca.key'), ca.keyPem, { mode: 0o600 })
    writeFileSync(file('ca.pem'), ca.certPem)
    logger.info('created a TLS certificate authority for the embedded broker')
  }
  const caPem = readFileSync(file('ca.pem'), 'utf8')
  const caKeyPem = readFileSync(file('ca.key'), 'utf8')

  let certPem = existsSync(file('server.pem')) ? readFileSync(file('server.pem'), 'utf8') : ''
  const current = certPem ? new X509Certificate(certPem) : undefined
  const covered = current ? coveredNames(current) : []
  const expiresSoon = current ? Date.parse(current.validTo) - now < 30 * 86_400_000 : true
  const signedByCa = current ? current.checkIssued(new X509Certificate(caPem)) : false
  if (!current || expiresSoon || !signedByCa || wanted.some((n) => !covered.includes(n))) {
    const server = createCertificate({
      commonName: 'ESP32 IoT Control Center broker',
      years: SERVER_YEARS,
      now,
      names: wanted,
      issuer: { certPem: caPem, keyPem: caKeyPem },
    })
    writeFileSync(file('server.key'), server.keyPem, { mode: 0o600 })
    writeFileSync(file('server.pem'), server.certPem)
    certPem = server.certPem
    logger.info('issued the broker TLS certificate', { names: wanted })
  }
  const finalNames = coveredNames(new X509Certificate(certPem))
  return {
    caPem,
    certPem,
    keyPem: readFileSync(file('server.key'), 'utf8'),
    serverNames: finalNames,
    caFingerprint: fingerprint(caPem),
  }
}

export function fingerprint(pem: string): string {
  const der = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64')
  return createHash('sha256').update(der).digest('hex').toUpperCase().match(/../g)!.join(':')
}

interface CertOptions {
  commonName: string
  years: number
  now: number
  /** Subject alternative names; absent for the CA. */
  names?: string[]
  /** Signs with this CA; self-signed (a CA) when absent. */
  issuer?: { certPem: string; keyPem: string }
}

/** RSA 2048 keys (made by Node's crypto: forge's pure-JS keygen takes seconds), SHA-256 signatures. */
function createCertificate(options: CertOptions): { certPem: string; keyPem: string } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const keyPem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()
  const cert = forge.pki.createCertificate()
  cert.publicKey = forge.pki.publicKeyFromPem(
    publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  )
  cert.serialNumber = '01' + forge.util.bytesToHex(forge.random.getBytesSync(15))
  cert.validity.notBefore = new Date(options.now - 86_400_000)
  cert.validity.notAfter = new Date(options.now + options.years * 365 * 86_400_000)
  const subject = [
    { name: 'commonName', value: options.commonName },
    { name: 'organizationName', value: 'ESP32 IoT Control Center' },
  ]
  cert.setSubject(subject)
  const isCa = !options.issuer
  const extensions: object[] = [
    { name: 'basicConstraints', cA: isCa, critical: true },
    isCa
      ? { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true }
      : { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]
  if (options.names) {
    extensions.push({ name: 'extKeyUsage', serverAuth: true })
    extensions.push({
      name: 'subjectAltName',
      altNames: options.names.map((n) => (isIP(n) ? { type: 7, ip: n } : { type: 2, value: n })),
    })
  }
  let signingKey = forge.pki.privateKeyFromPem(keyPem)
  if (options.issuer) {
    const issuerCert = forge.pki.certificateFromPem(options.issuer.certPem)
    cert.setIssuer(issuerCert.subject.attributes)
    extensions.push({
      name: 'authorityKeyIdentifier',
      keyIdentifier: issuerCert.generateSubjectKeyIdentifier().getBytes(),
    })
    signingKey = forge.pki.privateKeyFromPem(options.issuer.keyPem)
  } else {
    cert.setIssuer(subject)
  }
  cert.setExtensions(extensions)
  cert.sign(signingKey, forge.md.sha256.create())
  return { certPem: forge.pki.certificateToPem(cert), keyPem }
}

function coveredNames(cert: X509Certificate): string[] {
  return (cert.subjectAltName ?? '')
    .split(', ')
    .map((entry) => entry.replace(/^(DNS|IP Address):/, ''))
    .filter(Boolean)
}
