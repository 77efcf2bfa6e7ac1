# Wall-clock helpers. The ESP32 port counts time.time() from 2000-01-01, the Unix and
# WebAssembly ports from 1970 (MICROPY_EPOCH_IS_1970): measure the epoch instead of assuming.
import time

EPOCH_OFFSET = 946684800 if time.gmtime(0)[0] == 2000 else 0
# The RTC starts at the epoch after a power cycle; anything before Sep 2020 was never set.
_VALID_AFTER = 1600000000


def unix_now():
    # Seconds since 1970 when the clock has been set (by ntptime), else None.
    t = int(time.time()) + EPOCH_OFFSET
    return t if t >= _VALID_AFTER else None


def backdate(tick, now_tick):
    # Unix time of an earlier ticks_ms() reading, if the clock is set now. ticks_diff is only
    # meaningful within half the ticks period (2**29 ms, about 6 days on the ESP32).
    now = unix_now()
    if now is None:
        return None
    age = time.ticks_diff(now_tick, tick)
    if age < 0:
        return None
    return now - age // 1000
