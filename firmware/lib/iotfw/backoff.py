# Exponential backoff with jitter for Wi-Fi, MQTT and NTP retries.
import random


class Backoff:
    def __init__(self, first_ms, max_ms):
        self.first = first_ms
        self.max = max_ms
        self.cur = 0

    def reset(self):
        self.cur = 0

    def next_ms(self):
        self.cur = self.first if self.cur == 0 else min(self.cur * 2, self.max)
        # +-20 % jitter: a room full of boards must not reconnect in lockstep after a broker restart.
        spread = self.cur * 2 // 5
        return self.cur - self.cur // 5 + random.getrandbits(20) % (spread + 1)
