# The broker connection over umqtt.simple (the module every official ESP32 build ships).
# DESIGN.md "MQTT: topics and payloads": Last Will iot/<id>/status = offline (retained, QoS 1),
# birth = online (retained, QoS 1), commands on iot/<id>/cmd (QoS 1).
# umqtt.simple neither pings nor reconnects by itself: supervise() does both, with backoff.
import time
from umqtt.simple import MQTTClient
from iotfw import log
from iotfw.backoff import Backoff

POLL_MAX = 4  # incoming packets handled per poll, so a command flood cannot starve the loop
INBOX_MAX = 4


class MqttLink:
    def __init__(self, mcfg, creds, client_id, topics):
        self.m = mcfg
        self.creds = creds
        self.client_id = client_id
        self.t = topics
        self.client = None
        self.backoff = Backoff(1000, 60000)
        self.retry_at = time.ticks_ms()
        self.last_tx = 0
        self.inbox = []  # (topic, msg) from the callback; handled by the command task
        self.lost = 0  # commands dropped because the inbox was full
        self.connects = 0
        self.ota = None  # fn(kind, msg) for iot/<id>/ota/<kind>, called inside the callback

    @property
    def connected(self):
        return self.client is not None

    def _client(self):
        m = self.m
        c = self.creds
        if not m["tls"]:
            return MQTTClient(self.client_id, m["host"], m["port"], c.mqtt_user, c.mqtt_password, m["keepalive"])
        return self._tls_client(m, c)

    def _tls_client(self, m, c):
        import ssl

        ca = None
        if m["ca"]:
            with open(m["ca"], "rb") as f:
                ca = f.read()
        params = {"server_hostname": m["host"]}
        if ca:
            params["cert_reqs"] = ssl.CERT_REQUIRED
            params["cadata"] = ca
        args = (self.client_id, m["host"], m["port"], c.mqtt_user, c.mqtt_password, m["keepalive"])
        try:
            # umqtt.simple <= 1.3 (MicroPython 1.22) and >= 1.5 take ssl=True + ssl_params.
            return MQTTClient(*args, ssl=True, ssl_params=params)
        except TypeError:
            # umqtt.simple 1.4 (MicroPython 1.23) only takes an SSLContext.
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            if ca:
                ctx.verify_mode = ssl.CERT_REQUIRED
                ctx.load_verify_locations(cadata=ca)
            else:
                ctx.verify_mode = ssl.CERT_NONE
            return MQTTClient(*args, ssl=ctx)

    def _on_msg(self, topic, msg):
        # Called from inside check_msg() -- and from inside a QoS 1 publish() waiting for its
        # PUBACK. Publishing from here would recurse into umqtt, so only queue.
        if self.ota is not None and topic.startswith(self.t.ota):
            # Update chunks go to flash at once instead of queueing (a window is 8 KB).
            try:
                self.ota(topic[len(self.t.ota) :], msg)
            except Exception as e:
                log.warn("ota message dropped: %r" % (e,))
            return
        if len(self.inbox) < INBOX_MAX:
            self.inbox.append((topic, msg))
        else:
            self.lost += 1

    def supervise(self, now):
        # -> True exactly when a new session has just been established.
        if self.client is None:
            if time.ticks_diff(now, self.retry_at) < 0:
                return False
            return self._connect(now)
        if time.ticks_diff(now, self.last_tx) >= self.m["keepalive"] * 500:
            # Half the keepalive: the broker drops us (and fires the Will) after 1.5x without traffic.
            try:
                self.client.ping()
                self.last_tx = now
            except Exception as e:
                self.drop(now, e)
        return False

    def _connect(self, now):
        c = None
        try:
            c = self._client()
            c.set_callback(self._on_msg)
            c.set_last_will(self.t.status, b"offline", True, 1)
            # Clean session: commands sent while we were away are stale by design (a queued
            # "reboot" hours later would surprise). We subscribe again on every connect.
            c.connect(True)
            self.client = c
            self.last_tx = now
            c.publish(self.t.status, b"online", True, 1)
            c.subscribe(self.t.cmd, 1)
            if self.ota is not None:
                c.subscribe(self.t.ota_filter, 1)
        except Exception as e:
            self.client = c
            self.drop(now, e)
            return False
        self.backoff.reset()
        self.connects += 1
        log.info("mqtt connected to %s:%d" % (self.m["host"], self.m["port"]))
        return True

    def drop(self, now, err=None):
        if err is not None:
            log.warn("mqtt down: %r" % (err,))
        c = self.client
        self.client = None
        if c is not None:
            try:
                c.sock.close()
            except Exception:
                pass
        self.retry_at = time.ticks_add(now, self.backoff.next_ms())

    def publish(self, topic, msg, retain=False, qos=0):
        # -> True when handed to the broker (QoS 1: acknowledged). Errors only mark the link down.
        if self.client is None:
            return False
        try:
            self.client.publish(topic, msg, retain, qos)
            self.last_tx = time.ticks_ms()
            return True
        except Exception as e:
            self.drop(time.ticks_ms(), e)
            return False

    def poll(self, now):
        if self.client is None:
            return
        try:
            for _ in range(POLL_MAX):
                if self.client is None or self.client.check_msg() is None:
                    break
        except Exception as e:
            self.drop(now, e)

    def close(self):
        # Clean shutdown (reboot command): the Will is not sent on DISCONNECT, so say it ourselves.
        if self.client is None:
            return
        self.publish(self.t.status, b"offline", True, 1)
        try:
            self.client.disconnect()
        except Exception:
            pass
        self.client = None
