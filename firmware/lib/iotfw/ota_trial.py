# A new version on trial (docs/ota.md step 6), seen from the running application: confirmed
# after 30 s online, rolled back when it is not online within 300 s of the trial boot. The
# guard (lib/otaguard.py) counts the boots and checks the imports; this is the timer part.
# Also carries the verdict of a rollback over to the version that came back.
import time
import otaguard as g
from iotfw import log

CONFIRM_MS = 30000
ONLINE_WITHIN_MS = 300000


class Trial:
    def __init__(self):
        self.t = g.read_json(g.TRIAL)
        self.result = g.read_json(g.RESULT)  # a rollback's update_failed, still to be sent
        self.start = time.ticks_ms()
        self.online_at = None
        self.seen_online = False
        if self.t:
            log.info("ota: version %s on trial (boot %d)" % (self.t.get("version"), self.t.get("boots", 0)))

    def tick(self, now, online):
        # -> None, ("ok", event fields) once confirmed, or ("rollback", reason).
        if not self.t:
            return None
        if not online:
            self.online_at = None
            if not self.seen_online and time.ticks_diff(now, self.start) >= ONLINE_WITHIN_MS:
                return ("rollback", "not_online")
            return None
        self.seen_online = True
        if self.online_at is None:
            self.online_at = now
        if time.ticks_diff(now, self.online_at) < CONFIRM_MS:
            return None
        t = self.t
        self.t = None
        g.remove(g.TRIAL)  # the previous version stays in /ota/prev
        log.info("ota: version %s confirmed" % t.get("version"))
        return ("ok", {"version": t.get("version"), "previous": t.get("previous")})

    def result_sent(self):
        self.result = None
        g.remove(g.RESULT)
