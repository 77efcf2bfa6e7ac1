# Fake `network` (ESP32 flavour): one STA interface whose connect() completes after
# CONNECT_MS of fake time if the access point is up and the credentials match. Tests drop and
# restore the access point; connect() while already connecting raises like the real driver.
import time

STA_IF = 0
AP_IF = 1
STAT_IDLE = 1000
STAT_CONNECTING = 1001
STAT_GOT_IP = 1010
STAT_BEACON_TIMEOUT = 200
STAT_NO_AP_FOUND = 201
STAT_WRONG_PASSWORD = 202
STAT_ASSOC_FAIL = 203
STAT_HANDSHAKE_TIMEOUT = 204
CONNECT_MS = 1500
MAC = b"\x24\x0a\xc4\xa1\xb2\xc3"
ap = {"ssid": "lab", "password": "pw", "up": True}
calls = []  # ("connect" | "disconnect" | "active", arg)
_host = ["esp32"]


def hostname(name=None):
    if name is None:
        return _host[0]
    calls.append(("hostname", name))
    _host[0] = name


class _WLAN:
    def __init__(self):
        self._active = False
        self._status = STAT_IDLE
        self._since = 0
        self._cred = None

    def active(self, v=None):
        if v is None:
            return self._active
        calls.append(("active", bool(v)))
        self._active = bool(v)
        if not v:
            self._status = STAT_IDLE

    def connect(self, ssid, password):
        if not self._active:
            raise OSError("Wifi Not Started")
        if self._status == STAT_CONNECTING:
            raise OSError("Wifi Internal Error")
        calls.append(("connect", ssid))
        self._cred = (ssid, password)
        self._status = STAT_CONNECTING
        self._since = time.elapsed()

    def disconnect(self):
        calls.append(("disconnect", None))
        self._status = STAT_IDLE

    def _update(self):
        if self._status == STAT_CONNECTING and time.elapsed() - self._since >= CONNECT_MS:
            if not ap["up"] or self._cred[0] != ap["ssid"]:
                self._status = STAT_NO_AP_FOUND
            elif self._cred[1] != ap["password"]:
                self._status = STAT_WRONG_PASSWORD
            else:
                self._status = STAT_GOT_IP
        if self._status == STAT_GOT_IP and not ap["up"]:
            self._status = STAT_BEACON_TIMEOUT

    def isconnected(self):
        self._update()
        return self._status == STAT_GOT_IP

    def status(self, param=None):
        self._update()
        if param == "rssi":
            if self._status != STAT_GOT_IP:
                raise OSError("not connected")
            return -61
        if param is not None:
            raise ValueError("unknown status param")
        return self._status

    def ifconfig(self):
        if self.isconnected():
            return ("192.168.1.77", "255.255.255.0", "192.168.1.1", "192.168.1.1")
        return ("0.0.0.0", "0.0.0.0", "0.0.0.0", "0.0.0.0")

    def config(self, *args, **kw):
        if args:
            if args[0] == "mac":
                return MAC
            raise ValueError("unknown config param")
        for k in kw:
            calls.append(("config", k))


_sta = _WLAN()


def WLAN(iface=STA_IF):
    return _sta


def link_up():
    return _sta.isconnected()


def drop():
    ap["up"] = False


def restore():
    ap["up"] = True
