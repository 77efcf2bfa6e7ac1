# The on-board LED (GPIO2 on most ESP32 DevKits): blinks while "identify" runs, off otherwise.
import machine
import time


class Led:
    def __init__(self, pin):
        self.pin = machine.Pin(pin, machine.Pin.OUT) if pin >= 0 else None
        self.until = None
        self._set(0)

    def _set(self, v):
        if self.pin is not None:
            self.pin.value(v)

    def identify(self, now, seconds):
        self.until = time.ticks_add(now, int(seconds * 1000))

    def tick(self, now):
        # Called every 200 ms by the scheduler: toggling here gives a 2.5 Hz blink.
        if self.until is None:
            return
        if time.ticks_diff(now, self.until) >= 0:
            self.until = None
            self._set(0)
        elif self.pin is not None:
            self.pin.value(1 - self.pin.value())
