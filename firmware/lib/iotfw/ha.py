# Home Assistant MQTT discovery (HA docs, "MQTT Discovery"): one retained config per value,
# pointing at our telemetry topic and using our status topic for availability.
import json

_VALUES = (("temperature", "Temperature", "\u00b0C"), ("humidity", "Humidity", "%"))


def publish(link, prefix, dev_id, name, topics, model, fw):
    dev = {"identifiers": [dev_id], "name": name, "manufacturer": "Espressif", "model": model, "sw_version": fw}
    for key, label, unit in _VALUES:
        cfg = {
            "name": label,
            "unique_id": "%s_%s" % (dev_id, key),
            "state_topic": topics.telemetry.decode(),
            "value_template": "{{ value_json.%s }}" % key,
            "unit_of_measurement": unit,
            "device_class": key,
            "state_class": "measurement",
            "availability_topic": topics.status.decode(),
            "payload_available": "online",
            "payload_not_available": "offline",
            "device": dev,
        }
        topic = "%s/sensor/%s/%s/config" % (prefix, dev_id, key)
        if not link.publish(topic.encode(), json.dumps(cfg).encode(), True, 1):
            return False
    return True
