/**
 * Flasher: the Node side of the one-click installer. Plain classes, no Electron.
 *
 * Suggested contract mapping (see the helper report): flasher.listPorts,
 * flasher.describePort, flasher.watchPorts, flasher.detect, flasher.flash,
 * flasher.cancel, firmware.catalog, firmware.download, firmware.validateLocal;
 * events flash.progress, ports.changed, firmware.downloadProgress.
 */
export { FlasherService } from './flasher-service'
export type {
  DetectRequest,
  FlasherEvents,
  FlasherServiceOptions,
  ValidateLocalRequest,
} from './flasher-service'
export { FlasherError } from './errors'
export type { FlasherFailure, HostPlatform } from './errors'
export { SerialPortScanner } from './serial-ports'
export { PortWatcher } from './port-watcher'
export { FirmwareDownloader } from './firmware-downloader'
export {
  firmwareCatalog,
  firmwareUrl,
  findFirmware,
  MICROPYTHON_FIRMWARE_BASE,
} from './firmware-catalog'
export { parseImage, validateFirmware } from './esp-image'
export { usbName } from './usb-ids'
export { BOOTLOADER_OFFSETS, CHIP_FAMILIES, IMAGE_CHIP_IDS } from './types'
export type {
  ChipFamily,
  ChipInfo,
  DownloadProgress,
  DownloadResult,
  FirmwareEntry,
  FlashProgress,
  FlashRequest,
  FlashResult,
  FlashStage,
  ImageInfo,
  PortInfo,
  PortsChanged,
} from './types'
