# secrets.py (DESIGN.md "Device configuration"): WIFI_SSID, WIFI_PASSWORD, MQTT_USER,
# MQTT_PASSWORD, and OTA_KEY (64 hex digits: the key update manifests are signed with,
# docs/ota.md). Values are never printed; errors name the missing key only.
import binascii
import sys
from iotfw import log
from iotfw.config import ConfigError


class Creds:
    def __init__(self, ssid, wifi_password, mqtt_user, mqtt_password, ota_key=None):
        self.ssid = ssid
        self.wifi_password = wifi_password
        self.mqtt_user = mqtt_user
        self.mqtt_password = mqtt_password
        self.ota_key = ota_key  # 32 bytes, or None: every update is then refused


def _ota_key(v):
    if not v:
        return None
    try:
        if isinstance(v, str) and len(v) == 64:
            return binascii.unhexlify(v)
    except ValueError:
        pass
    log.warn("secrets.py: OTA_KEY is not 64 hex digits; updates will be refused")
    return None


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
    return Creds(ssid, pw, user, mpw, _ota_key(getattr(secrets, "OTA_KEY", None)))
