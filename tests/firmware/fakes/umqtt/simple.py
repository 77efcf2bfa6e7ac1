# Stand-in for micropython-lib's umqtt.simple with the same API, used by the firmware tests.
# Recorder mode: every call lands in `log`; tests inject incoming messages and kill the
# "socket". Bridge mode (when the JS module `mqttbridge` is registered): calls are also
# forwarded to a real mqtt.js connection on a real broker, so Will, retain and QoS are
# exercised for real. Stricter than the original: topics and payloads must be bytes.
import binascii
import json
import network
import time

try:
    import mqttbridge
except ImportError:
    mqttbridge = None

log = []  # dicts, see _rec()
inbox = []  # (topic, msg) bytes waiting for check_msg(), recorder mode
broker_up = True
api = "classic"  # "ctx": behave like umqtt.simple 1.4 (ssl=SSLContext only, no ssl_params)
_live = []


class MQTTException(Exception):
    pass


class _Sock:
    def __init__(self):
        self.dead = False
        self.closed = False

    def close(self):
        self.closed = True

    def setblocking(self, flag):
        pass


def _b(x, what):
    if not isinstance(x, bytes):
        raise TypeError("%s must be bytes, got %s" % (what, type(x)))


def _rec(op, **kw):
    kw["op"] = op
    kw["t"] = time.elapsed()
    log.append(kw)


def kill():
    # The TCP connection dies without DISCONNECT: the next call fails, the broker sends the Will.
    for c in _live:
        if c.sock is not None:
            c.sock.dead = True
    if mqttbridge is not None:
        mqttbridge.kill()


def _matches(filt, topic):
    # MQTT topic filters with '+' (one level) and '#' (the rest), as the broker applies them.
    f = filt.split(b"/")
    t = topic.split(b"/")
    for i, part in enumerate(f):
        if part == b"#":
            return True
        if i >= len(t) or (part != b"+" and part != t[i]):
            return False
    return len(f) == len(t)


def inject(topic, msg):
    inbox.append((topic.encode(), msg.encode()))


def inject_raw(topic, msg):
    # Binary payloads (update chunks): msg is bytes.
    inbox.append((topic.encode(), msg))


class MQTTClient:
    def __init__(self, client_id, server, port=0, user=None, password=None, keepalive=0, ssl=None, **kw):
        if kw and (api == "ctx" or list(kw) != ["ssl_params"]):
            raise TypeError("unexpected keyword argument")
        if port == 0:
            port = 8883 if ssl else 1883
        self.client_id = client_id
        self.server = server
        self.port = port
        self.user = user
        self.pswd = password
        self.keepalive = keepalive
        self.ssl = ssl
        self.ssl_params = kw.get("ssl_params")
        self.sock = None
        self.cb = None
        self.lw = None
        self.subs = []

    def set_callback(self, f):
        self.cb = f

    def set_last_will(self, topic, msg, retain=False, qos=0):
        assert 0 <= qos <= 2
        assert topic
        _b(topic, "will topic")
        _b(msg, "will msg")
        self.lw = (topic, msg, retain, qos)

    def _ssl_info(self):
        s = self.ssl
        if s is None or s is False:
            return None
        if s is True:
            p = dict(self.ssl_params or {})
            if "cadata" in p:
                p["cadata"] = p["cadata"].decode()
            return {"kind": "params", "params": p}
        return {"kind": "context", "verify_mode": s.verify_mode, "cadata": s.cadata.decode() if s.cadata else None}

    def connect(self, clean_session=True):
        if not network.link_up():
            raise OSError(113)  # EHOSTUNREACH
        if not broker_up:
            raise OSError(111)  # ECONNREFUSED
        will = None
        if self.lw:
            will = {"topic": self.lw[0].decode(), "msg": self.lw[1].decode(), "retain": bool(self.lw[2]), "qos": self.lw[3]}
        info = {
            "client_id": self.client_id,
            "server": self.server,
            "port": self.port,
            "user": self.user,
            "password": self.pswd,
            "keepalive": self.keepalive,
            "clean": bool(clean_session),
            "will": will,
            "ssl": self._ssl_info(),
        }
        self.sock = _Sock()
        _live.append(self)
        if len(_live) > 4:
            _live.pop(0)
        _rec("connect", **info)
        if mqttbridge is not None:
            mqttbridge.connect(json.dumps(info))
        return False

    def _alive(self):
        if self.sock is None or self.sock.closed:
            raise OSError(9)  # EBADF
        if self.sock.dead or not broker_up or not network.link_up():
            raise OSError(104)  # ECONNRESET
        if mqttbridge is not None and not mqttbridge.alive():
            raise OSError(104)

    def publish(self, topic, msg, retain=False, qos=0):
        _b(topic, "topic")
        _b(msg, "msg")
        self._alive()
        _rec("publish", topic=topic.decode(), msg=msg.decode(), retain=bool(retain), qos=qos, clock=time.time())
        if mqttbridge is not None:
            mqttbridge.publish(topic.decode(), msg.decode(), bool(retain), qos)

    def subscribe(self, topic, qos=0):
        assert self.cb is not None, "Subscribe callback is not set"
        _b(topic, "topic")
        self._alive()
        self.subs.append(topic)
        _rec("subscribe", topic=topic.decode(), qos=qos)
        if mqttbridge is not None:
            mqttbridge.subscribe(topic.decode(), qos)

    def ping(self):
        self._alive()
        _rec("ping")

    def check_msg(self):
        self._alive()
        item = None
        while inbox and item is None:
            t, m = inbox.pop(0)
            if any(_matches(f, t) for f in self.subs):  # the broker only delivers what we subscribed to
                item = (t, m)
        if item is None and mqttbridge is not None:
            raw = mqttbridge.poll()
            if raw:
                t, m = json.loads(raw)  # the payload travels as base64: chunks are binary
                item = (t.encode(), binascii.a2b_base64(m.encode()))
        if item is None:
            return None
        self.cb(item[0], item[1])
        return 0x30

    def wait_msg(self):
        return self.check_msg()

    def disconnect(self):
        self._alive()
        _rec("disconnect")
        if mqttbridge is not None:
            mqttbridge.disconnect()
        self.sock.close()
