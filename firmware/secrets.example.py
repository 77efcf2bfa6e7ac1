# Copy to secrets.py (git-ignored) or let the installer write it. Never commit the real one.
WIFI_SSID = "your-ssid"
WIFI_PASSWORD = "your-wifi-password"
MQTT_USER = ""  # empty: connect without authentication
MQTT_PASSWORD = ""
