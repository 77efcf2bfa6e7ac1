# Topics and payloads exactly as DESIGN.md "MQTT: topics and payloads" defines them.
# umqtt.simple wants topics and payloads as bytes.
import json
import os
import sys
from iotfw import VERSION
from iotfw.timebase import unix_now


class Topics:
    def __init__(self, prefix, dev_id):
        base = "%s/%s/" % (prefix, dev_id)
        self.status = (base + "status").encode()
        self.info = (base + "info").encode()
        self.telemetry = (base + "telemetry").encode()
        self.cmd = (base + "cmd").encode()
        self.event = (base + "event").encode()
        self.ota = (base + "ota/").encode()  # + manifest | chunk | cancel (docs/ota.md)
        self.ota_filter = self.ota + b"+"
        self.ota_status = self.ota + b"status"


def default_id(mac):
    # esp32- + the last 6 hex digits of the MAC, lowercase.
    return "esp32-" + "".join("%02x" % b for b in mac[-3:])


def hostname_for(dev_id):
    # DHCP hostnames: letters, digits and '-', at most 32 characters.
    out = ""
    for c in dev_id:
        out += c.lower() if (c.isalpha() or c.isdigit()) and ord(c) < 128 else "-"
    return out[:32]


def _num(v):
    # DHT11 gives ints, DHT22 floats; single-precision floats print cleanly once rounded.
    return str(v) if isinstance(v, int) else str(round(v, 1))


def telemetry(t, h, ts, seq):
    # Built by hand: MicroPython dicts are unordered, and this keeps the documented key order
    # {"temperature":21.4,"humidity":40.5,"ts":1732700000,"seq":42} (ts only when known).
    s = '{"temperature":%s,"humidity":%s' % (_num(t), _num(h))
    if ts is not None:
        s += ',"ts":%d' % ts
    return (s + ',"seq":%d}' % seq).encode()


def legacy(t, h):
    # The seed article's exact format, for dashboards that still parse it.
    return ("temp:{},hum:{}".format(t, h)).encode()


def chip():
    try:
        return os.uname().machine
    except AttributeError:
        return sys.implementation._machine


def info(dev_id, name, sensor, wifi):
    mp = ".".join(str(x) for x in sys.implementation.version[:3])
    mac = ":".join("%02x" % b for b in wifi.mac())
    d = {"id": dev_id, "name": name, "fw": VERSION, "mp": mp, "chip": chip(), "sensor": sensor, "ip": wifi.ip(), "mac": mac, "rssi": wifi.rssi()}
    return json.dumps(d).encode()


def event(name, fields=None):
    d = {"event": name}
    if fields:
        d.update(fields)
    ts = unix_now()
    if ts is not None:
        d["ts"] = ts
    return json.dumps(d).encode()
