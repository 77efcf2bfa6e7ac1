# Stand-in for MicroPython's `time`, installed as sys.modules["time"] before any firmware
# import. ticks_* behave like the ESP32 port: a 30-bit millisecond counter (period 2**30)
# that wraps. Sleeping advances the fake clock instantly, so an hour of firmware time takes
# milliseconds and nothing blocks Node's event loop.
import time as _real

PERIOD = 1 << 30
MASK = PERIOD - 1
HALF = PERIOD // 2
_ticks = 0
_elapsed = 0  # ms since "power-on", never wraps (for test bookkeeping only)
TRUE_EPOCH = 1732700000  # real Unix time at power-on; the RTC learns it from (fake) ntptime
_rtc_set = False
budget = None  # elapsed ms at which sleeping raises SimBudget (ends main.py's endless loop)
watchers = []  # called with elapsed ms after each advance (the fake WDT lives here)
hooks = []  # sorted (elapsed_ms, fn): test actions at a given simulated time


class SimBudget(BaseException):
    # BaseException: the firmware's `except Exception` must not swallow it.
    pass


def start(ticks):
    global _ticks
    _ticks = ticks % PERIOD


def elapsed():
    return _elapsed


def set_rtc(flag=True):
    global _rtc_set
    _rtc_set = flag


def at(ms, fn):
    hooks.append((ms, fn))
    hooks.sort(key=lambda h: h[0])


def advance(ms):
    global _ticks, _elapsed
    if ms < 0:
        raise ValueError("negative sleep")
    _ticks = (_ticks + ms) % PERIOD if ms >= HALF else ticks_add(_ticks, ms)
    _elapsed += ms
    while hooks and hooks[0][0] <= _elapsed:
        hooks.pop(0)[1]()
    for w in watchers:
        w(_elapsed)
    if budget is not None and _elapsed >= budget:
        raise SimBudget()


def ticks_ms():
    return _ticks


def ticks_us():
    return (_ticks * 1000) % PERIOD


def ticks_cpu():
    return ticks_us()


# Written so every intermediate stays a MicroPython small int (|x| < 2**30), like the C
# originals: no heap allocation per call, so the memory test measures the firmware, not us.
def ticks_add(t, d):
    if not -HALF < d < HALF:
        raise OverflowError("ticks interval overflow")
    if d >= 0:
        return t - (MASK - d) - 1 if t > MASK - d else t + d
    s = t + d
    return s + MASK + 1 if s < 0 else s


def ticks_diff(a, b):
    d = a - b
    if d >= HALF:
        return d - MASK - 1
    if d < -HALF:
        return d + MASK + 1
    return d


def sleep_ms(ms):
    advance(int(ms))


def sleep_us(us):
    advance(int(us) // 1000)


def sleep(s):
    advance(int(s * 1000))


def time():
    # Like an ESP32 RTC: counts from the epoch after power-on until NTP sets it.
    return TRUE_EPOCH + _elapsed // 1000 if _rtc_set else _elapsed // 1000


def time_ns():
    return time() * 1000000000


gmtime = _real.gmtime
localtime = _real.localtime
mktime = _real.mktime
