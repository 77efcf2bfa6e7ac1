# Fake `ntptime`: settime() sets the fake RTC when the network is up; otherwise it blocks for
# `timeout` seconds (as the real one waits for the UDP answer) and raises OSError(ETIMEDOUT).
import network
import time

host = "pool.ntp.org"
timeout = 1
calls = []  # (elapsed ms, host, ok)
reachable = True


def settime():
    ok = reachable and network.link_up()
    calls.append((time.elapsed(), host, ok))
    if not ok:
        time.sleep_ms(timeout * 1000)
        raise OSError(110)
    time.set_rtc(True)
