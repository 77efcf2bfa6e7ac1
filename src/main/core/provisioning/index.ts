/**
 * One-click installer and REPL console (capability "provisioning"). Plain Node, no
 * Electron: ProvisioningService is what the composition root creates and the contract
 * handlers call; the rest is exported for tests, tools and other services.
 */
export { ProvisioningService } from './provisioning-service'
export type { ProvisioningServiceEvents, ProvisioningServiceOptions } from './provisioning-service'
export { Provisioner, PROVISION_STAGES } from './provisioner'
export type { ProvisionProgress, ProvisionResult, ProvisionStage } from './provisioner'
export {
  ProvisionInputSchema,
  buildConfigJson,
  buildSecretsPy,
  defaultDeviceId,
} from './device-config'
export type { ProvisionInput, ProvisionSettings } from './device-config'
export { RawRepl } from './raw-repl'
export type { ExecResult, RawReplOptions } from './raw-repl'
export { FileUploader, localDigest } from './file-uploader'
export type { DeviceEntry, DeviceFile, UploadProgress } from './file-uploader'
export { collectFirmwareFiles, isFirmwareFile } from './firmware-files'
export { SerialMonitor, CONSOLE_KEYS } from './serial-monitor'
export { openNodeSerialLink } from './serial-link'
export type { OpenSerialLink, SerialLink } from './serial-link'
export { ReplError } from './errors'
export type { ReplFailure, DeviceException } from './errors'
export { Redactor } from './redactor'
export { pyStr, pyBytes } from './python-literals'
