# Fake `dht` driver. Tests set the values (set) or make the next reads fail (fail), and every
# measure() is timestamped so the tests can prove the datasheet minimum interval is respected.
import time

values = [21.0, 40.0]
failing = 0
error = None  # None -> OSError(ETIMEDOUT) like a missing sensor; else the message of an Exception
measures = []  # elapsed ms of each measure()
violations = 0  # measure() calls closer than the sensor's minimum interval


def set(t, h):
    values[0] = t
    values[1] = h


def fail(n, message=None):
    # The next n reads fail. A fresh exception each time, as the driver raises.
    global failing, error
    failing = n
    error = message


class _DHT:
    MIN_MS = 2000

    def __init__(self, pin):
        self.pin = pin
        self._v = (None, None)

    def measure(self):
        global failing, violations
        now = time.elapsed()
        if measures and now - measures[-1] < self.MIN_MS:
            violations += 1
        if len(measures) < 20000:
            measures.append(now)
        if failing:
            failing -= 1
            raise Exception(error) if error is not None else OSError(110)
        self._v = (values[0], values[1])

    def temperature(self):
        return self._v[0]

    def humidity(self):
        return self._v[1]


class DHT11(_DHT):
    MIN_MS = 1000

    def temperature(self):
        return int(self._v[0])

    def humidity(self):
        return int(self._v[1])


class DHT22(_DHT):
    MIN_MS = 2000
