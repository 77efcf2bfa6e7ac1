# Hardware watchdog (machine.WDT). It is fed only from a scheduler task and only while the loop
# is healthy: no task failing again and again, and memory not exhausted. A loop stuck in a
# blocking call, or a sick one, is reset by the hardware.
import gc
import machine
from iotfw import log

MAX_TASK_FAILS = 5
MIN_FREE = 4096


class Health:
    def __init__(self, timeout_ms):
        self.wdt = machine.WDT(timeout=timeout_ms) if timeout_ms else None
        self.sick = None  # why we stopped feeding

    def check(self, sched):
        # -> True while healthy. The first unhealthy answer lets the app save its buffer.
        why = None
        if sched.worst_fails() >= MAX_TASK_FAILS:
            why = "a task keeps failing"
        elif gc.mem_free() < MIN_FREE:
            gc.collect()
            if gc.mem_free() < MIN_FREE:
                why = "out of memory"
        if why is None:
            if self.wdt is not None:
                self.wdt.feed()
            return True
        if self.sick is None:
            self.sick = why
            log.error("unhealthy (%s): no more watchdog feeding, reset follows" % why)
        return False

    def stretch(self):
        # After Ctrl-C the REPL runs in the same task; the ESP32 task WDT cannot be stopped, but
        # its timeout can be raised, which gives the installer's raw REPL time to work.
        if self.wdt is None:
            return
        try:
            self.wdt = machine.WDT(timeout=3600000)
            self.wdt.feed()
            log.warn("watchdog stretched to 1 h; press reset to restart the app")
        except Exception as e:
            log.warn("cannot stretch the watchdog (%r): the board resets soon" % (e,))
