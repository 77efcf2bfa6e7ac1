# config.json: the device configuration contract of DESIGN.md ("Device configuration").
# Every key is optional except mqtt.host (device_id falls back to esp32-<last 6 hex of the MAC>).
# Unknown keys are ignored and kept on save; bad values are reported and replaced by defaults.
import json
import os

PATH = "config.json"
DHT_MIN_MS = {"DHT11": 1000, "DHT22": 2000}  # datasheet minimum time between two reads


class ConfigError(Exception):
    # Fatal: the app cannot start. startup.py prints it and retries; it never crash-loops.
    pass


def _int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def _num(v):
    return (isinstance(v, int) or isinstance(v, float)) and not isinstance(v, bool)


def rng(lo, hi, integer=False):
    ok = _int if integer else _num
    return lambda v: ok(v) and lo <= v <= hi


def _text(v):
    return isinstance(v, str) and 0 < len(v) <= 128


def _topic(v):
    # One or more topic levels we can publish to: no wildcards, no empty level.
    return _text(v) and "+" not in v and "#" not in v and "" not in v.split("/")


def valid_id(v):
    # One topic level (same rule as src/shared/topics.ts isValidDeviceId).
    if not isinstance(v, str) or not 0 < len(v) <= 64:
        return False
    for c in v:
        if not (c.isalpha() or c.isdigit() or c in "_.-") or ord(c) > 127:
            return False
    return True


_PIN = rng(0, 48, True)


def _BOOL(v):
    return v is True or v is False

# (section, key, default, check). Values are used exactly as given when the check passes.
SPEC = (
    (None, "name", None, _text),
    (None, "prefix", "iot", _topic),
    ("mqtt", "port", None, rng(1, 65535, True)),
    ("mqtt", "tls", False, _BOOL),
    ("mqtt", "ca", None, _text),
    ("mqtt", "keepalive", 30, rng(10, 3600, True)),
    ("mqtt", "qos", 1, lambda v: _int(v) and v in (0, 1)),  # umqtt.simple has no QoS 2
    ("sensor", "type", "DHT22", lambda v: v in DHT_MIN_MS),
    ("sensor", "pin", 4, _PIN),
    ("report", "interval_s", 10, rng(1, 86400)),
    ("report", "delta_t", 0.5, rng(0, 100)),
    ("report", "delta_h", 1.0, rng(0, 100)),
    ("report", "max_silence_s", 3600, rng(10, 86400)),  # ticks_diff spans only ~6 days
    ("report", "min_interval_s", 5, rng(0, 3600)),
    (None, "legacy_topic", None, _topic),
    (None, "ha_discovery", False, lambda v: _BOOL(v) or _topic(v)),
    (None, "led_pin", 2, lambda v: v == -1 or _PIN(v)),  # -1: board without an LED
    (None, "ntp_host", "pool.ntp.org", _text),
    (None, "wdt_s", 60, lambda v: v == 0 or rng(10, 3600, True)(v)),
    ("buffer", "ram", 32, rng(2, 256, True)),
    ("buffer", "file", 512, rng(0, 5000, True)),
)


def read_raw(path=PATH):
    try:
        with open(path) as f:
            text = f.read()
    except OSError:
        raise ConfigError("%s not found: copy config.example.json or run the installer" % path)
    try:
        raw = json.loads(text)
    except ValueError:
        raise ConfigError("%s is not valid JSON" % path)
    if not isinstance(raw, dict):
        raise ConfigError("%s must hold a JSON object" % path)
    return raw


def validate(raw):
    # -> (cfg, warnings). cfg has every key of SPEC (nested by section) plus device_id/mqtt.host.
    warns = []
    mq = raw.get("mqtt")
    host = mq.get("host") if isinstance(mq, dict) else None
    if not _text(host):
        raise ConfigError("mqtt.host is missing: set the broker address in config.json")
    cfg = {"mqtt": {"host": host}, "sensor": {}, "report": {}, "buffer": {}}
    dev = raw.get("device_id")
    if dev is not None and not valid_id(dev):
        warns.append("device_id %r is not one topic level; using the MAC-based id" % (dev,))
        dev = None
    elif dev is None:
        warns.append("device_id missing; using the MAC-based id")
    cfg["device_id"] = dev
    for sec, key, default, ok in SPEC:
        src = raw.get(sec) if sec else raw
        name = sec + "." + key if sec else key
        val = default
        if isinstance(src, dict) and src.get(key) is not None:
            if ok(src[key]):
                val = src[key]
            else:
                warns.append("%s: bad value %r, using %r" % (name, src[key], default))
        elif sec and src is not None and not isinstance(src, dict):
            warns.append("%s must be an object" % sec)
        (cfg[sec] if sec else cfg)[key] = val
    _derive(cfg, warns)
    return cfg, warns


def _derive(cfg, warns):
    m = cfg["mqtt"]
    if m["port"] is None:
        m["port"] = 8883 if m["tls"] else 1883
    r = cfg["report"]
    floor = DHT_MIN_MS[cfg["sensor"]["type"]] / 1000
    if r["interval_s"] < floor:
        warns.append("report.interval_s below the %s minimum; using %s" % (cfg["sensor"]["type"], floor))
        r["interval_s"] = floor


def load(path=PATH):
    # -> (cfg, raw, warnings); raises ConfigError when the app cannot start.
    raw = read_raw(path)
    cfg, warns = validate(raw)
    return cfg, raw, warns


def save(raw, path=PATH):
    # Write whole-file-then-rename, so a reset mid-write never leaves a truncated config.json.
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(json.dumps(raw))
    try:
        os.rename(tmp, path)
    except OSError:
        # FAT cannot rename over an existing file (LittleFS, the ESP32 default, can).
        os.remove(path)
        os.rename(tmp, path)
