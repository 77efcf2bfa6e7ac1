# DHT11/DHT22 through the dht module of the official build. A failed or implausible read
# returns None and is counted; nothing here raises. The datasheet minimum time between two
# reads (DHT11 1 s, DHT22 2 s) is enforced here, whoever asks.
import dht
import machine
import time
from iotfw.config import DHT_MIN_MS

# Datasheet ranges: DHT11 0..50 degC / 20..90 %RH, DHT22 -40..80 degC / 0..100 %RH.
_RANGE = {"DHT11": (0, 50, 5, 95), "DHT22": (-40, 80, 0, 100)}


class Sensor:
    def __init__(self, kind, pin):
        self.kind = kind
        cls = dht.DHT11 if kind == "DHT11" else dht.DHT22
        self.dev = cls(machine.Pin(pin))
        self.min_ms = DHT_MIN_MS[kind]
        self.last_at = None
        self.last = None  # last good (t, h)
        self.fails = 0  # consecutive failed reads
        self.error = None

    def ready(self, now):
        return self.last_at is None or time.ticks_diff(now, self.last_at) >= self.min_ms

    def wait_ms(self, now):
        return 0 if self.last_at is None else max(0, self.min_ms - time.ticks_diff(now, self.last_at))

    def read(self, now):
        # -> (t, h) or None. Never raises: a loose wire must not take the loop down.
        if not self.ready(now):
            return None
        self.last_at = now
        try:
            self.dev.measure()
            t = self.dev.temperature()
            h = self.dev.humidity()
        except Exception as e:  # OSError(ETIMEDOUT) when absent, or a checksum error
            return self._fail(repr(e))
        lo, hi, hlo, hhi = _RANGE[self.kind]
        if not (lo <= t <= hi and hlo <= h <= hhi):
            return self._fail("implausible reading %s/%s" % (t, h))
        self.fails = 0
        self.last = (t, h)
        return self.last

    def _fail(self, why):
        self.fails += 1
        self.error = why
        return None
