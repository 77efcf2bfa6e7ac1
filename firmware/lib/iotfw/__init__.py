# iotfw: the ESP32 IoT Control Center firmware (see firmware/README.md).
# Bumped by hand on every change to what the board sends; reported in iot/<id>/info as "fw".
VERSION = "0.2.0"
