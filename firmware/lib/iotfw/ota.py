# Receives an over-the-air update (docs/ota.md "Flow: the board pulls"): the signed manifest,
# then numbered chunks streamed straight into /ota/new/ (never a whole file in RAM), progress
# in /ota/state.json so a reboot resumes, then verify, swap (otaguard) and reset.
# Messages arrive inside umqtt's callback, where publishing would recurse: handle() only
# writes flash and queues statuses; tick() (a scheduler task) publishes, verifies and swaps.
import binascii
import hashlib
import json
import sys
import otaguard as g
from iotfw import log
from iotfw import ota_manifest as om

SAVE_EVERY = 8  # chunks between saves of `next` (the app's window)
MAX_BAD = 3  # bad CRCs of one chunk before the update fails
OUTBOX_MAX = 4


def tag_of(update):
    return hashlib.sha256(update.encode()).digest()[:4]


class Ota:
    def __init__(self, key, version):
        self.key = key
        self.version = version
        self.m = None  # the manifest being received
        self.tag = None
        self.next = 0
        self.bad = 0
        self.asked = False
        self.phase = None  # None | "receiving" | "verify"
        self.out = []  # ("status" | "event", dict) waiting to be published
        self.apply = None  # set once swapped: the app shuts down and resets
        self._buf = bytearray(512)
        self._resume()

    # --- state -----------------------------------------------------------------------------
    def _resume(self):
        s = g.read_json(g.STATE)
        if not s or not isinstance(s.get("manifest"), dict):
            return
        try:
            m = om.check(s["manifest"])
            nxt = int(s.get("next", 0))
        except Exception:
            self._wipe()
            return
        self._start(m, min(max(nxt, 0), m["total"]))
        if not self._staged_ok():
            log.warn("ota: staged files do not match the saved progress, restarting")
            self.next = 0
            self._save()
        log.info("ota: resuming %s at chunk %d/%d" % (m["update"], self.next, m["total"]))

    def _start(self, m, nxt):
        self.m = m
        self.tag = tag_of(m["update"])
        self.next = nxt
        self.bad = 0
        self.asked = False
        self.phase = "verify" if nxt >= m["total"] else "receiving"

    def _staged_ok(self):
        # Every byte before `next` must be on flash (the save order guarantees it; a file
        # system that lost writes at a power cut is caught here and the update restarts).
        pos = self.next * self.m["chunk"]
        for f in self.m["files"]:
            want = min(f["size"], max(pos, 0))
            pos -= f["size"]
            if want and om.file_size(g.NEW + "/" + f["path"]) < want:
                return False
        return True

    def _save(self):
        g.write_json(g.STATE, {"update": self.m["update"], "version": self.m["version"], "next": self.next, "manifest": self.m})

    def _wipe(self):
        g.rmtree(g.NEW)
        g.remove(g.STATE)
        g.remove(g.STATE + ".tmp")
        self.m = None
        self.phase = None

    def busy(self):
        return self.phase is not None

    def unload(self):
        # Idle again: forget the update modules so their bytecode (~15 KB) can be collected.
        # The next update message imports them again.
        import iotfw

        for name in ("ota", "ota_manifest", "ota_trial"):
            sys.modules.pop("iotfw." + name, None)
            if name in iotfw.__dict__:
                delattr(iotfw, name)
        sys.modules.pop("otaguard", None)

    # --- outgoing --------------------------------------------------------------------------
    def _status(self, state, **kw):
        kw["update"] = self.m["update"] if self.m else kw.get("update")
        kw["state"] = state
        if len(self.out) >= OUTBOX_MAX:
            self.out.pop(0)  # the newest status says it all
        self.out.append(("status", kw))

    def _receiving(self, **kw):
        self._status("receiving", next=self.next, total=self.m["total"], **kw)

    def _fail(self, reason, fields, update=False):
        # update=False: the update in progress failed (its staging goes); else a manifest
        # was refused, and whatever is in progress carries on.
        u = update
        if update is False:
            u = self.m["update"]
            self._wipe()
        log.warn("ota: update %s failed: %s %s" % (u, reason, fields))
        st = {"update": u, "state": "failed", "reason": reason}
        st.update(fields)
        ev = {"update": u, "version": self.version, "reason": reason, "rolled_back": False}
        ev.update(fields)
        self.out.append(("status", st))
        self.out.append(("event", ev))
        del self.out[:-OUTBOX_MAX]

    def on_connect(self):
        # After every (re)connect: tell the app where we are, so it carries on from there.
        if self.phase == "receiving":
            self._receiving()

    # --- incoming (inside umqtt's callback) ------------------------------------------------
    def handle(self, kind, msg):
        if kind == b"chunk":
            self._chunk(msg)
        elif kind == b"manifest":
            self._manifest(msg)
        elif kind == b"cancel":
            self._cancel(msg)

    def _manifest(self, msg):
        outer = _json(msg) if len(msg) <= om.MAX_BYTES else None
        if isinstance(outer, dict) and "m" not in outer and outer.get("update", 0) is None:
            self._query()
            return
        update = om.update_id_of(outer.get("m") if isinstance(outer, dict) else None)
        try:
            if g.exists(g.TRIAL) or g.exists(g.JOURNAL):
                raise om.Refused("busy", {"error": "a new version is still on trial"})
            m = om.parse(msg, self.key)
        except om.Refused as r:
            self._fail(r.args[0], r.args[1], update)
            return
        if self.m and m["update"] == self.m["update"] and self.phase == "receiving":
            self._receiving()  # same update: resume where we are
            return
        if self.phase == "verify":
            return  # too late to change course
        if self.m:
            log.info("ota: %s replaces %s" % (m["update"], self.m["update"]))
        self._wipe()  # a different update starts over
        try:
            om.check_space(m)
        except om.Refused as r:
            self._fail(r.args[0], r.args[1], m["update"])
            return
        self._start(m, 0)
        self._save()
        log.info("ota: receiving %s (%s, %d bytes in %d chunks)" % (m["update"], m["version"], m["size"], m["total"]))
        self._receiving()

    def _query(self):
        if self.phase == "receiving":
            self._receiving()
        else:
            self._status("idle", update=None)

    def _cancel(self, msg):
        try:
            u = json.loads(msg).get("update")
        except Exception:
            return
        if self.m and u == self.m["update"] and self.phase == "receiving":
            self._wipe()
            log.info("ota: update %s cancelled" % u)
            self._status("cancelled", update=u)

    def _chunk(self, msg):
        if self.phase != "receiving" or len(msg) < 12 or msg[:4] != self.tag:
            return
        n = int.from_bytes(msg[4:8], "big")
        if n != self.next:
            if n > self.next and not self.asked:
                self.asked = True  # one request per gap, not one per chunk behind it
                self._receiving()
            return
        data = memoryview(msg)[12:]
        c = self.m["chunk"]
        want = min(c, self.m["size"] - n * c)
        if len(data) != want or binascii.crc32(data) & 0xFFFFFFFF != int.from_bytes(msg[8:12], "big"):
            self.bad += 1
            if self.bad >= MAX_BAD:
                self._fail("corrupt_chunk", {"chunk": n})
            else:
                self._receiving(retry=True)
            return
        self._write(n * c, data)
        self.next += 1
        self.bad = 0
        self.asked = False
        done = self.next >= self.m["total"]
        if done or self.next % SAVE_EVERY == 0:
            self._save()  # after the data: `next` never points past what is on flash
            if done:
                self.phase = "verify"
            else:
                self._receiving()

    def _write(self, pos, data):
        # The stream is the files concatenated in manifest order; a chunk may span files.
        for f in self.m["files"]:
            size = f["size"]
            if pos < size and len(data):
                n = min(size - pos, len(data))
                path = g.NEW + "/" + f["path"]
                if pos == 0:
                    g.makedirs(path[: path.rfind("/")])
                with open(path, "wb" if pos == 0 else "r+b") as fh:
                    fh.seek(pos)
                    fh.write(data[:n])
                data = data[n:]
                pos = 0
            else:
                pos -= size

    # --- the task --------------------------------------------------------------------------
    def tick(self, link, topics):
        self._flush(link, topics)
        if self.phase == "verify" and link.connected and not self.out:
            self._verify_and_swap(link, topics)

    def _flush(self, link, topics):
        while self.out and link.connected:
            kind, d = self.out[0]
            t = topics.ota_status if kind == "status" else topics.event
            if kind == "event":
                d = dict(d)
                d["event"] = "update_failed"
            if not link.publish(t, json.dumps(d).encode(), False, 1):
                return
            self.out.pop(0)

    def _verify_and_swap(self, link, topics):
        self._status("verifying")
        self._flush(link, topics)
        for f in self.m["files"]:
            if om.file_sha256(g.NEW + "/" + f["path"], f["size"], self._buf) != f["sha256"]:
                self._fail("hash_mismatch", {"path": f["path"]})
                return
        self._status("applying")
        self._flush(link, topics)
        m = self.m
        log.info("ota: %s verified, swapping %s -> %s" % (m["update"], self.version, m["version"]))
        g.swap(m["version"], self.version, m["update"])
        self.m = None
        self.phase = None
        self.apply = m["version"]


def _json(msg):
    try:
        return json.loads(msg)
    except Exception:
        return None
