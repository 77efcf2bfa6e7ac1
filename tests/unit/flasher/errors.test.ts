import { describe, expect, test } from 'vitest'
import { describeLoaderStatus, portOpenError } from '../../../src/main/core/flasher/errors'
import { fromLoaderError } from '../../../src/main/core/flasher/loader-errors'

describe('flasher error messages', () => {
  test('permission denied on Linux points at the dialout group and the udev rule', () => {
    const error = portOpenError(
      '/dev/ttyUSB0',
      new Error('Error: Permission denied, cannot open /dev/ttyUSB0'),
      'linux',
    )
    expect(error).toMatchObject({ failure: 'PERMISSION_DENIED', code: 'PERMISSION_DENIED' })
    expect(error.hint).toContain('dialout')
    expect(error.hint).toContain('99-esp32-iot-control-center.rules')
  })

  test('busy and missing ports', () => {
    expect(
      portOpenError(
        '/dev/ttyUSB0',
        new Error('Error Resource temporarily unavailable Cannot lock port'),
        'linux',
      ).failure,
    ).toBe('PORT_BUSY')
    expect(portOpenError('COM3', new Error('Opening COM3: Access denied'), 'win32').failure).toBe(
      'PORT_BUSY',
    )
    expect(
      portOpenError(
        '/dev/ttyUSB7',
        new Error('Error: No such file or directory, cannot open /dev/ttyUSB7'),
        'linux',
      ).failure,
    ).toBe('PORT_NOT_FOUND')
  })

  test('loader status codes from esptool-js messages are named', () => {
    expect(
      describeLoaderStatus('Failed to write to target Flash after seq 3 failed with status 1,7'),
    ).toMatch(/checksum.*0x07/)
    expect(describeLoaderStatus('... failed with status 1,193')).toMatch(/checksum.*0xc1/)
    expect(describeLoaderStatus('no status here')).toBeUndefined()
    expect(fromLoaderError(new Error('No serial data received.'), 'write').failure).toBe('TIMEOUT')
    expect(fromLoaderError(new Error('x failed with status 1,11'), 'write').message).toContain(
      'decompression',
    )
  })
})
