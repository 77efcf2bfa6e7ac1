# Fake `machine` for the firmware tests. Maps to the ESP32: Pin levels (inputs default high,
# as with the pull-ups), output writes are recorded (LED), one task watchdog, reset() raises.
import time

PWRON_RESET = 1
HARD_RESET = 2
WDT_RESET = 3
DEEPSLEEP_RESET = 4
SOFT_RESET = 5
cause = PWRON_RESET
levels = {}  # pin -> level driven from outside (tests press the BOOT button here)
outputs = {}
writes = []  # (elapsed ms, pin, value)
resets = []  # (elapsed ms, why)
wdt = {"timeout": None, "fed": 0, "feeds": 0, "inits": 0}


class Reset(BaseException):
    # A real reset never returns; BaseException so `except Exception` cannot swallow it.
    pass


def reset():
    resets.append((time.elapsed(), "reset"))
    raise Reset("machine.reset()")


def soft_reset():
    reset()


def reset_cause():
    return cause


def unique_id():
    return b"\x24\x0a\xc4\xa1\xb2\xc3"


def freq(*a):
    return 240000000


class Pin:
    IN = 1
    OUT = 3
    OPEN_DRAIN = 7
    PULL_UP = 2
    PULL_DOWN = 1

    def __init__(self, id, mode=-1, pull=-1, value=None):
        self.id = id
        self.mode = mode
        if value is not None:
            self.value(value)

    def value(self, v=None):
        if v is None:
            if self.mode == Pin.OUT:
                return outputs.get(self.id, 0)
            return levels.get(self.id, 1)
        v = 1 if v else 0
        outputs[self.id] = v
        if len(writes) < 5000:
            writes.append((time.elapsed(), self.id, v))

    def on(self):
        self.value(1)

    def off(self):
        self.value(0)


def _watch(now):
    if wdt["timeout"] is not None and now - wdt["fed"] > wdt["timeout"]:
        resets.append((now, "wdt"))
        wdt["timeout"] = None
        raise Reset("watchdog")


class WDT:
    # The ESP32 has one task watchdog: a second WDT() reconfigures it, nothing stops it.
    def __init__(self, id=0, timeout=5000):
        if wdt["timeout"] is None and _watch not in time.watchers:
            time.watchers.append(_watch)
        wdt["timeout"] = timeout
        wdt["fed"] = time.elapsed()
        wdt["inits"] += 1

    def feed(self):
        wdt["fed"] = time.elapsed()
        wdt["feeds"] += 1
