/**
 * The app's identity on Windows. It must equal electron-builder.yml's `appId`: the NSIS
 * installer gives the Start-menu shortcut that AppUserModelID, and Windows shows a process's
 * toast notifications (alerts, the close-to-tray notice), applies the person's notification
 * settings and groups its taskbar icon only when the process declares the same ID.
 * tests/packaging checks that the two agree.
 */
export const APP_ID = 'com.esp32iot.controlcenter'
