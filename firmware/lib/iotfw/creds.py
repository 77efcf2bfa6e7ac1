# secrets.py (DESIGN.md "Device configuration"): WIFI_SSID, WIFI_PASSWORD, MQTT_USER,
# MQTT_PASSWORD. Values are never printed; errors name the missing key only.
import sys
from iotfw.config import ConfigError


class Creds:
    def __init__(self, ssid, wifi_password, mqtt_user, mqtt_password):
        self.ssid = ssid
        self.wifi_password = wifi_password
        self.mqtt_user = mqtt_user
        self.mqtt_password = mqtt_password


def load():
    # Forget a previous (bad) import so a fixed file is picked up on retry.
    sys.modules.pop("secrets", None)
    try:
        import secrets
    except ImportError:
        raise ConfigError("secrets.py not found: copy secrets.example.py or run the installer")
    except SyntaxError:
        raise ConfigError("secrets.py has a syntax error")
    ssid = getattr(secrets, "WIFI_SSID", None)
    if not isinstance(ssid, str) or not ssid:
        raise ConfigError("secrets.py: WIFI_SSID is missing")
    pw = getattr(secrets, "WIFI_PASSWORD", "") or ""
    user = getattr(secrets, "MQTT_USER", None) or None
    mpw = getattr(secrets, "MQTT_PASSWORD", None) or None
    if user and mpw is None:
        mpw = ""
    return Creds(ssid, pw, user, mpw)
