# The application: every job is a scheduler task (network supervision, MQTT receive, commands,
# sensor, buffer drain, NTP, LED, gc, watchdog) run by one non-blocking loop. Tests drive it
# with loop_once() under a fake clock; main.py runs it forever.
import gc
import machine
import os
import random
import time
from iotfw import VERSION, config, ha, log, payloads
from iotfw.commands import Commands
from iotfw.health import Health
from iotfw.led import Led
from iotfw.mqtt_link import MqttLink
from iotfw.ntp import ClockSync
from iotfw.policy import ReportPolicy
from iotfw.scheduler import Scheduler
from iotfw.sensor import Sensor
from iotfw.spool import Spool
from iotfw.timebase import backdate, unix_now
from iotfw.wifi import Wifi

IDLE_MS = 100  # longest sleep of the loop: check_msg() and Ctrl-C stay responsive
SPOOL_PATH = "spool.jsonl"
DRAIN_MAX = 5  # buffered readings replayed per drain run, so replay never starves the loop
SENSOR_ATTEMPTS = 3  # reads per cycle before a sensor_error is reported
SENSOR_EVENT_MS = 300000  # while the sensor stays broken, at most one event per 5 minutes
REBOOT_DELAY_MS = 1000  # lets the ack of "reboot" leave before the reset


class App:
    def __init__(self, cfg, raw, warnings, creds):
        self.cfg = cfg
        self.raw = raw
        self.wifi = Wifi(creds.ssid, creds.wifi_password)
        self.id = cfg["device_id"] or payloads.default_id(self.wifi.mac())
        self.name = cfg["name"] or self.id
        self.wifi.start(payloads.hostname_for(self.id))
        self.topics = payloads.Topics(cfg["prefix"], self.id)
        self.link = MqttLink(cfg["mqtt"], creds, self.id, self.topics)
        self.sensor = Sensor(cfg["sensor"]["type"], cfg["sensor"]["pin"])
        self.policy = ReportPolicy(cfg["report"])
        self.spool = Spool(SPOOL_PATH, cfg["buffer"]["ram"], cfg["buffer"]["file"])
        self.led = Led(cfg["led_pin"])
        self.clock = ClockSync(cfg["ntp_host"])
        self.commands = Commands(self)
        # Updates (docs/ota.md) cost ~15 KB of bytecode: loaded only while there is one.
        self.ota_key = creds.ota_key
        self.ota = None
        self.trial = None
        if "ota" in os.listdir("/"):
            self._load_ota()  # something to resume, confirm or report
        self.link.ota = self._ota_msg
        # Config warnings wait here for the first connection, then go out as events.
        self.notes = [("config_warning", {"message": w}) for w in warnings[:8]]
        for w in warnings:
            log.warn("config: " + w)
        self.seq = 0
        self.replayed = 0
        self.boot = random.getrandbits(16)  # tells this boot's buffered readings from older ones
        self.attempt = 0
        self.failed_cycles = 0
        self.sensor_event_at = 0
        self.reboot_at = None
        self.saved = False
        s = self.sched = Scheduler()
        s.add("net", self._net, 200)
        s.add("rx", self.link.poll, 100)
        s.add("cmd", self._commands, 100)
        self.t_sensor = s.add("sensor", self._sense, int(cfg["report"]["interval_s"] * 1000), 500)
        s.add("drain", self._drain, 250)
        s.add("ntp", self._ntp, 1000)
        s.add("led", self.led.tick, 200)
        s.add("gc", lambda now: gc.collect(), 1000)
        s.add("reboot", self._reboot_tick, 200)
        s.add("ota", self._ota, 100)
        self.health = Health(cfg["wdt_s"] * 1000)  # the countdown starts here
        s.add("wdt", self._health, 1000)

    def now(self):
        return time.ticks_ms()

    def loop_once(self):
        time.sleep_ms(self.sched.run_due(IDLE_MS))

    def run_forever(self):
        while True:
            self.loop_once()

    # --- network -------------------------------------------------------------------------
    def _net(self, now):
        if not self.wifi.poll(now):
            if self.link.connected:
                self.link.drop(now, "wifi down")
            return
        if not self.link.connected and not self.clock.synced:
            # Ask NTP before the first broker connection, so the readings replayed right after
            # it can already be dated.
            self.clock.tick(now, True)
        if self.link.supervise(now):
            self._on_connect()

    def _on_connect(self):
        self._publish_info()
        ha_prefix = self.cfg["ha_discovery"]
        if ha_prefix:
            prefix = "homeassistant" if ha_prefix is True else ha_prefix
            ha.publish(self.link, prefix, self.id, self.name, self.topics, payloads.chip(), VERSION)
        if self.link.connects == 1:
            self.notes.insert(0, ("boot", {"reset_cause": _reset_cause(), "fw": VERSION}))
        while self.notes and self._event(*self.notes[0]):
            self.notes.pop(0)
        if self.ota is not None:
            if self.trial.result and self._event("update_failed", self.trial.result):
                self.trial.result_sent()
            self.ota.on_connect()

    def _publish_info(self):
        return self.link.publish(self.topics.info, payloads.info(self.id, self.name, self.sensor.kind, self.wifi), True, 1)

    def _event(self, name, fields=None):
        if self.link.publish(self.topics.event, payloads.event(name, fields), False, 1):
            return True
        log.info("event %s not sent (offline)" % name)
        return False

    def _ntp(self, now):
        self.clock.tick(now, self.wifi.up())

    # --- readings ------------------------------------------------------------------------
    def _sense(self, now):
        r = self.sensor.read(now)
        if r is None:
            self.attempt += 1
            if self.attempt < SENSOR_ATTEMPTS:
                self.t_sensor.run_in(self.sensor.min_ms)  # retry, but not before the DHT allows
            else:
                self.attempt = 0
                self._sensor_failed(now)
            return
        self.attempt = 0
        if self.failed_cycles:
            self._event("sensor_ok", {"failed_cycles": self.failed_cycles})
            self.failed_cycles = 0
        if self.policy.decide(r[0], r[1], now):
            self._emit(r, now)

    def _sensor_failed(self, now):
        self.failed_cycles += 1
        err = self.sensor.error
        log.warn("sensor read failed %d times: %s" % (SENSOR_ATTEMPTS, err))
        if self.failed_cycles == 1 or time.ticks_diff(now, self.sensor_event_at) >= SENSOR_EVENT_MS:
            self.sensor_event_at = now
            self._event("sensor_error", {"error": err, "attempts": SENSOR_ATTEMPTS, "failed_cycles": self.failed_cycles})

    def _emit(self, r, now):
        rec = [unix_now(), now, r[0], r[1], self.boot]
        if not len(self.spool) and self._send(rec):
            topic = self.cfg["legacy_topic"]
            if topic:
                self.link.publish(topic.encode(), payloads.legacy(r[0], r[1]), False, 0)
            return
        self.spool.push(rec)

    def _send(self, rec):
        ts, tick, t, h, boot = rec
        if ts is None and boot == self.boot:
            ts = backdate(tick, time.ticks_ms())  # taken before NTP answered: date it now
        seq = self.seq + 1
        if not self.link.publish(self.topics.telemetry, payloads.telemetry(t, h, ts, seq), False, self.cfg["mqtt"]["qos"]):
            return False
        self.seq = seq
        return True

    def _drain(self, now):
        n = 0
        while len(self.spool) and self.link.connected and n < DRAIN_MAX:
            rec = self.spool.peek()
            if rec[2] is not None and not self._send(rec):
                return
            self.spool.pop()
            n += 1
            self.replayed += 1
        if n and not len(self.spool):
            self._event("buffer_flushed", {"count": self.replayed, "dropped": self.spool.dropped})
            log.info("replayed %d buffered readings" % self.replayed)
            self.replayed = 0
            self.spool.dropped = 0

    # --- commands ------------------------------------------------------------------------
    def _commands(self, now):
        inbox = self.link.inbox
        while inbox:
            topic, msg = inbox.pop(0)
            ack = self.commands.handle(msg)
            log.info("cmd %s: %s" % (ack["cmd"], "ok" if ack["ok"] else ack.get("error")))
            self._event("ack", ack)

    def apply_settings(self, changes):
        applied = {}
        for (sec, key), v in changes.items():
            if not isinstance(self.raw.get(sec), dict):
                self.raw[sec] = {}
            self.raw[sec][key] = v
            applied[key] = v
        config.save(self.raw)  # persisted first: if flash fails, nothing changes and we nack
        for (sec, key), v in changes.items():
            self.cfg[sec][key] = v
        self.policy.configure(self.cfg["report"])
        self.t_sensor.period = int(self.cfg["report"]["interval_s"] * 1000)
        return applied

    def report_now(self):
        now = time.ticks_ms()
        r = (self.sensor.read(now) if self.sensor.ready(now) else None) or self.sensor.last
        self._publish_info()
        if r is None:
            return False
        self.policy.accept(r[0], r[1], now, "report")
        self._emit(r, now)
        return True

    def reboot_soon(self):
        self.reboot_at = time.ticks_add(time.ticks_ms(), REBOOT_DELAY_MS)

    def _reboot_tick(self, now):
        if self.reboot_at is not None and time.ticks_diff(now, self.reboot_at) >= 0:
            self.shutdown()
            machine.reset()

    # --- over-the-air updates (docs/ota.md) ---------------------------------------------------
    def _load_ota(self):
        from iotfw.ota import Ota
        from iotfw.ota_trial import Trial

        self.ota = Ota(self.ota_key, VERSION)
        self.trial = Trial()

    def _ota_msg(self, kind, msg):
        if self.ota is None:
            self._load_ota()
        self.ota.handle(kind, msg)

    def _ota(self, now):
        o = self.ota
        if o is None:
            return
        o.tick(self.link, self.topics)
        if o.apply:
            log.info("ota: version %s in place, resetting" % o.apply)
            self._restart()
        verdict = self.trial.tick(now, self.link.connected)
        if verdict is not None and verdict[0] == "ok":
            if not self._event("update_ok", verdict[1]):
                self.notes.append(("update_ok", verdict[1]))
        elif verdict is not None:
            import otaguard

            if otaguard.rollback(verdict[1]):
                self._restart()
        if not (o.busy() or o.out or self.trial.t or self.trial.result):
            self.ota = self.trial = None
            o.unload()

    def _restart(self):
        self.shutdown()
        machine.reset()

    # --- lifecycle -----------------------------------------------------------------------
    def _health(self, now):
        if not self.health.check(self.sched) and not self.saved:
            self.saved = True
            self.spool.flush()  # the watchdog will reset us: keep the buffered readings

    def shutdown(self):
        self.spool.flush()
        self.link.close()

    def on_interrupt(self):
        self.health.stretch()


def _reset_cause():
    c = machine.reset_cause()
    for n in ("PWRON_RESET", "HARD_RESET", "WDT_RESET", "DEEPSLEEP_RESET", "SOFT_RESET"):
        if getattr(machine, n, None) == c:
            return n[:-6].lower()
    return str(c)
