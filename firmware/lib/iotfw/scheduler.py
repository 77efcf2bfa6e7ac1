# One cooperative, non-blocking scheduler on time.ticks_ms(). All comparisons go through
# ticks_diff/ticks_add, so the 2**30 ms wrap of the ESP32 tick counter (about 12.4 days)
# never stalls or bursts a task.
import sys
import time
from iotfw import log


class Task:
    def __init__(self, name, fn, period_ms, due):
        self.name = name
        self.fn = fn
        self.period = period_ms
        self.due = due
        self.fails = 0  # consecutive failures; the watchdog stops feeding when this grows
        self.errors = 0

    def run_in(self, ms):
        # Called from inside fn to override the next run (retries, one-shot delays).
        self.due = time.ticks_add(time.ticks_ms(), ms)


class Scheduler:
    def __init__(self):
        self.tasks = []

    def add(self, name, fn, period_ms, delay_ms=0):
        t = Task(name, fn, period_ms, time.ticks_add(time.ticks_ms(), delay_ms))
        self.tasks.append(t)
        return t

    def run_due(self, cap_ms):
        # Runs every task that is due; -> ms to sleep until the next one is (at most cap_ms).
        start = time.ticks_ms()
        idle = cap_ms
        for t in self.tasks:
            now = time.ticks_ms()
            if time.ticks_diff(now, t.due) >= 0:
                # Next run counts from now, not from the old due time: a late loop skips missed
                # runs instead of bursting them.
                t.due = time.ticks_add(now, t.period)
                self._run(t, now)
            left = time.ticks_diff(t.due, start)
            if left < idle:
                idle = left
        idle -= time.ticks_diff(time.ticks_ms(), start)  # time the tasks themselves took
        return idle if idle > 0 else 0

    def _run(self, t, now):
        try:
            t.fn(now)
            t.fails = 0
        except Exception as e:
            # One broken task must not stop the others; the watchdog decides when to give up.
            t.fails += 1
            t.errors += 1
            log.error("task %s failed (%d in a row): %r" % (t.name, t.fails, e))
            sys.print_exception(e)

    def worst_fails(self):
        worst = 0
        for t in self.tasks:
            if t.fails > worst:
                worst = t.fails
        return worst
