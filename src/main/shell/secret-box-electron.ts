/**
 * The desktop app's secret codec: Electron's safeStorage, whose key the OS keeps (macOS
 * Keychain, Windows DPAPI, libsecret or kwallet on Linux). Where Linux has no keyring,
 * safeStorage falls back to a hard-coded key ('basic_text'); that is no better than the
 * plain 0600 file, and the log says so rather than pretending.
 */
import type { SecretCodec } from '../core/base/secret-box'

/** The part of Electron's safeStorage this uses. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean
  encryptString(plainText: string): Buffer
  decryptString(encrypted: Buffer): string
  getSelectedStorageBackend?(): string
}

export function electronSecretBox(safeStorage: SafeStorageLike): SecretCodec {
  return {
    name: 'os-keychain',
    seal(secret) {
      if (!safeStorage.isEncryptionAvailable())
        throw new Error('The OS keychain is not available: the password cannot be saved.')
      return safeStorage.encryptString(secret).toString('base64')
    },
    open(sealed) {
      return safeStorage.decryptString(Buffer.from(sealed, 'base64'))
    },
  }
}

/** True where safeStorage has a real OS key (not Linux's hard-coded fallback). */
export function keychainIsReal(safeStorage: SafeStorageLike, platform: NodeJS.Platform): boolean {
  if (!safeStorage.isEncryptionAvailable()) return false
  if (platform !== 'linux' || !safeStorage.getSelectedStorageBackend) return true
  return safeStorage.getSelectedStorageBackend() !== 'basic_text'
}
