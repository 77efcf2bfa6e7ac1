# Commands on iot/<id>/cmd (DESIGN.md): {"cmd":"set",...}, {"cmd":"reboot"}, {"cmd":"identify"},
# {"cmd":"report"}. Each gets exactly one ack on iot/<id>/event:
# {"event":"ack","cmd":"set","ok":true,"applied":{...}} or {...,"ok":false,"error":"..."}.
# An "id" in the command comes back as "ref", so the app can match acks to requests.
import json
from iotfw import config

# alias -> (section, key, check). "set" validates everything before applying anything.
_SET = {
    "interval": ("report", "interval_s"),
    "interval_s": ("report", "interval_s"),
    "delta_t": ("report", "delta_t"),
    "delta_h": ("report", "delta_h"),
    "max_silence": ("report", "max_silence_s"),
    "max_silence_s": ("report", "max_silence_s"),
    "min_interval": ("report", "min_interval_s"),
    "min_interval_s": ("report", "min_interval_s"),
    "qos": ("mqtt", "qos"),
}


def _check(sec, key):
    for s, k, _, ok in config.SPEC:
        if s == sec and k == key:
            return ok
    return None


class Commands:
    def __init__(self, app):
        self.app = app

    def handle(self, msg):
        # -> the ack dict (never raises).
        try:
            cmd = json.loads(msg)
        except Exception:
            return _ack(None, None, False, {"error": "invalid JSON"})
        if not isinstance(cmd, dict):
            return _ack(None, None, False, {"error": "expected a JSON object"})
        name = cmd.get("cmd")
        ref = cmd.get("id")
        fn = getattr(self, "_" + name, None) if isinstance(name, str) and name.isalpha() else None
        if fn is None:
            return _ack(name, ref, False, {"error": "unknown command"})
        try:
            ok, extra = fn(cmd)
        except Exception as e:
            ok, extra = False, {"error": repr(e)}
        return _ack(name, ref, ok, extra)

    def _set(self, cmd):
        changes = {}
        errors = []
        for k, v in cmd.items():
            if k in ("cmd", "id"):
                continue
            target = _SET.get(k)
            if target is None:
                errors.append("unknown key " + k)
            elif not _check(*target)(v):
                errors.append("bad value for " + k)
            else:
                changes[target] = v
        floor = config.DHT_MIN_MS[self.app.cfg["sensor"]["type"]] / 1000
        if ("report", "interval_s") in changes and changes[("report", "interval_s")] < floor:
            errors.append("interval below the sensor minimum of %s s" % floor)
        if errors or not changes:
            return False, {"error": "; ".join(errors) or "nothing to set"}
        applied = self.app.apply_settings(changes)
        return True, {"applied": applied}

    def _reboot(self, cmd):
        self.app.reboot_soon()
        return True, None

    def _identify(self, cmd):
        secs = cmd.get("seconds", 10)
        if not config.rng(1, 300)(secs):
            return False, {"error": "seconds must be 1..300"}
        self.app.led.identify(self.app.now(), secs)
        return True, {"seconds": secs}

    def _report(self, cmd):
        return self.app.report_now(), None


def _ack(name, ref, ok, extra):
    d = {"cmd": name, "ok": ok}
    if ref is not None:
        d["ref"] = ref
    if extra:
        d.update(extra)
    return d
