# Safe mode: hold the BOOT button (GPIO0) during the first second after reset and main.py does
# not start the app, leaving the REPL free (e.g. to fix a config that makes the app misbehave).
# Holding BOOT *while* releasing reset would enter the ROM bootloader instead (GPIO0 is a
# strapping pin), hence the short window after boot rather than a single read.
import machine
import time

PIN = 0
WINDOW_MS = 1000
_active = None


def check(window_ms=WINDOW_MS):
    # Called by boot.py. The answer is kept in this module for main.py (same interpreter).
    global _active
    pin = machine.Pin(PIN, machine.Pin.IN, machine.Pin.PULL_UP)
    start = time.ticks_ms()
    held = pin.value() == 0
    while not held and time.ticks_diff(time.ticks_ms(), start) < window_ms:
        time.sleep_ms(20)
        held = pin.value() == 0
    _active = held
    if held:
        print("SAFE MODE: BOOT held, the app will not start. Reset to leave safe mode.")
    return held


def active():
    # main.py run without boot.py (e.g. from a tool) reads the button once.
    return check(0) if _active is None else _active
