# Wi-Fi supervision as a state machine polled by the scheduler: connect() returns at once,
# the attempt times out, failures back off, a drop is noticed and retried.
# Never `while not wlan.isconnected(): pass`.
import network
import time
from iotfw import log
from iotfw.backoff import Backoff

DOWN = 0
CONNECTING = 1
UP = 2
ATTEMPT_MS = 20000
# Statuses after which waiting longer is pointless (names differ between ports; take what exists).
_FAILED = [getattr(network, n) for n in ("STAT_WRONG_PASSWORD", "STAT_NO_AP_FOUND", "STAT_CONNECT_FAIL") if hasattr(network, n)]


class Wifi:
    def __init__(self, ssid, password):
        self._ssid = ssid
        self._pw = password
        self.wlan = network.WLAN(network.STA_IF)  # mac() works before the interface is up
        self.state = DOWN
        self.backoff = Backoff(2000, 120000)
        self.retry_at = time.ticks_ms()
        self.started = 0
        self.attempts = 0
        self.drops = 0

    def start(self, hostname):
        # The hostname goes out with DHCP, so it is set before the interface comes up.
        try:
            network.hostname(hostname)
        except (AttributeError, OSError, ValueError):
            try:
                self.wlan.config(dhcp_hostname=hostname)  # before MicroPython 1.20
            except (OSError, ValueError):
                log.warn("cannot set hostname")
        self.wlan.active(True)

    def mac(self):
        return self.wlan.config("mac")

    def ip(self):
        return self.wlan.ifconfig()[0]

    def rssi(self):
        try:
            return self.wlan.status("rssi")
        except (OSError, ValueError, TypeError):
            return None

    def up(self):
        return self.state == UP

    def poll(self, now):
        if self.wlan.isconnected():
            if self.state != UP:
                self.state = UP
                self.backoff.reset()
                self.attempts = 0
                log.info("wifi up, ip %s" % self.ip())
            return True
        if self.state == UP:
            self.drops += 1
            self.state = DOWN
            self.retry_at = now  # first retry at once, then back off
            log.warn("wifi dropped")
        if self.state == CONNECTING:
            st = self.wlan.status()
            if st in _FAILED or time.ticks_diff(now, self.started) >= ATTEMPT_MS:
                log.warn("wifi attempt %d failed (status %s)" % (self.attempts, st))
                self._wait(now)
        elif time.ticks_diff(now, self.retry_at) >= 0:
            self._start(now)
        return False

    def _start(self, now):
        self.attempts += 1
        try:
            # After a drop the driver may still be in its own reconnect loop; connect() would
            # then raise "Wifi Internal Error". Every 5th attempt also restarts the interface.
            self.wlan.disconnect()
            if self.attempts % 5 == 0:
                self.wlan.active(False)
                self.wlan.active(True)
            self.wlan.connect(self._ssid, self._pw)
            self.state = CONNECTING
            self.started = now
            log.info("wifi connecting (attempt %d)" % self.attempts)
        except OSError as e:
            log.warn("wifi connect error %r" % (e,))
            self._wait(now)

    def _wait(self, now):
        self.state = DOWN
        try:
            self.wlan.disconnect()
        except OSError:
            pass
        self.retry_at = time.ticks_add(now, self.backoff.next_ms())
