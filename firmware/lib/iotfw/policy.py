# Threshold reporting (the seed's "Mistake 3"): publish when the temperature moved more than
# delta_t or the humidity more than delta_h since the last published value, otherwise at least
# every max_silence_s (heartbeat), and never twice within min_interval_s (flood guard).
import time


class ReportPolicy:
    def __init__(self, report):
        self.configure(report)
        self.last = None
        self.last_at = 0

    def configure(self, r):
        self.delta_t = r["delta_t"]
        self.delta_h = r["delta_h"]
        self.silence_ms = int(r["max_silence_s"] * 1000)
        self.min_ms = int(r["min_interval_s"] * 1000)

    def decide(self, t, h, now):
        # -> "first" | "change" | "heartbeat" | None. A non-None answer counts as published.
        if self.last is None:
            return self.accept(t, h, now, "first")
        age = time.ticks_diff(now, self.last_at)
        if age < self.min_ms:
            return None
        lt, lh = self.last
        # Rounded: DHT values have 0.1 resolution and 21.3 - 21.0 is 0.3000000000000007.
        if round(abs(t - lt), 2) > self.delta_t or round(abs(h - lh), 2) > self.delta_h:
            return self.accept(t, h, now, "change")
        if age >= self.silence_ms:
            return self.accept(t, h, now, "heartbeat")
        return None

    def accept(self, t, h, now, why):
        self.last = (t, h)
        self.last_at = now
        return why
