# Sets the RTC from NTP whenever we are online and it is due, so readings carry real time
# (and readings buffered while offline keep their original timestamps).
import ntptime
import time
from iotfw import log
from iotfw.backoff import Backoff

RESYNC_MS = 6 * 3600 * 1000  # the ESP32 RTC drifts by seconds per day


class ClockSync:
    def __init__(self, host):
        ntptime.host = host
        self.synced = False
        self.due = time.ticks_ms()
        self.backoff = Backoff(10000, 600000)

    def tick(self, now, online):
        if not online or time.ticks_diff(now, self.due) < 0:
            return False
        try:
            ntptime.settime()  # blocks at most ntptime.timeout (1 s)
        except Exception as e:  # OSError on timeout, OverflowError on a bogus answer
            self.due = time.ticks_add(now, self.backoff.next_ms())
            log.warn("ntp failed: %r" % (e,))
            return False
        first = not self.synced
        self.synced = True
        self.backoff.reset()
        self.due = time.ticks_add(now, RESYNC_MS)
        log.info("clock set from ntp")
        return first
