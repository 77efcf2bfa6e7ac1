/** The OTA encoders/decoders for Node (the app, the CLI and every test). */
export * from '../protocol'
export * from './codec'
export * from './firmware-folder'
