#!/bin/bash
# dpkg postinst of the .deb (electron-builder `deb.afterInstall`), run as root.
# electron-builder replaces ${executable} and ${sanitizedProductName} in this file and refuses
# any other dollar-brace-NAME macro: use $NAME (no braces) or dollar-brace forms like :- here.
#
# First electron-builder's own steps (its templates/linux/after-install.tpl, which a custom
# script replaces), then ours: the udev rule for USB serial access and the dialout note.


if type update-alternatives >/dev/null 2>&1; then
    # Remove previous link if it doesn't use update-alternatives
    if [ -L '/usr/bin/${executable}' -a -e '/usr/bin/${executable}' -a "`readlink '/usr/bin/${executable}'`" != '/etc/alternatives/${executable}' ]; then
        rm -f '/usr/bin/${executable}'
    fi
    update-alternatives --install '/usr/bin/${executable}' '${executable}' '/opt/${sanitizedProductName}/${executable}' 100 || ln -sf '/opt/${sanitizedProductName}/${executable}' '/usr/bin/${executable}'
else
    ln -sf '/opt/${sanitizedProductName}/${executable}' '/usr/bin/${executable}'
fi

# Check if user namespaces are supported by the kernel and working with a quick test:
if ! { [[ -L /proc/self/ns/user ]] && unshare --user true; }; then
    # Use SUID chrome-sandbox only on systems without user namespaces:
    chmod 4755 '/opt/${sanitizedProductName}/chrome-sandbox' || true
else
    chmod 0755 '/opt/${sanitizedProductName}/chrome-sandbox' || true
fi

if hash update-mime-database 2>/dev/null; then
    update-mime-database /usr/share/mime || true
fi

if hash update-desktop-database 2>/dev/null; then
    update-desktop-database /usr/share/applications || true
fi

# Install apparmor profile. (Ubuntu 24+)
# First check if the version of AppArmor running on the device supports our profile.
# This is in order to keep backwards compatibility with Ubuntu 22.04 which does not support abi/4.0.
# In that case, we just skip installing the profile since the app runs fine without it on 22.04.
#
# Those apparmor_parser flags are akin to performing a dry run of loading a profile.
# https://wiki.debian.org/AppArmor/HowToUse#Dumping_profiles
#
# Unfortunately, at the moment AppArmor doesn't have a good story for backwards compatibility.
# https://askubuntu.com/questions/1517272/writing-a-backwards-compatible-apparmor-profile
if apparmor_status --enabled > /dev/null 2>&1; then
  APPARMOR_PROFILE_SOURCE='/opt/${sanitizedProductName}/resources/apparmor-profile'
  APPARMOR_PROFILE_TARGET='/etc/apparmor.d/${executable}'
  if apparmor_parser --skip-kernel-load --debug "$APPARMOR_PROFILE_SOURCE" > /dev/null 2>&1; then
    cp -f "$APPARMOR_PROFILE_SOURCE" "$APPARMOR_PROFILE_TARGET"

    # Updating the current AppArmor profile is not possible and probably not meaningful in a chroot'ed environment.
    # Use cases are for example environments where images for clients are maintained.
    # There, AppArmor might correctly be installed, but live updating makes no sense.
    if ! { [ -x '/usr/bin/ischroot' ] && /usr/bin/ischroot; } && hash apparmor_parser 2>/dev/null; then
      # Extra flags taken from dh_apparmor:
      # > By using '-W -T' we ensure that any abstraction updates are also pulled in.
      # https://wiki.debian.org/AppArmor/Contribute/FirstTimeProfileImport
      apparmor_parser --replace --write-cache --skip-read-cache "$APPARMOR_PROFILE_TARGET"
    fi
  else
    echo "Skipping the installation of the AppArmor profile as this version of AppArmor does not seem to support the bundled profile"
  fi
fi

# USB serial access for flashing boards (resources/udev, copied by extraResources).
RULE_SOURCE='/opt/${sanitizedProductName}/resources/udev/99-esp32-iot-control-center.rules'
RULE_TARGET='/etc/udev/rules.d/99-esp32-iot-control-center.rules'
if [ -f "$RULE_SOURCE" ] && [ -d /etc/udev/rules.d ]; then
  install -m 0644 "$RULE_SOURCE" "$RULE_TARGET"
  # Not in a chroot or container image build: there is no udev daemon to tell.
  if hash udevadm 2>/dev/null && [ -d /run/udev ]; then
    udevadm control --reload-rules || true
    udevadm trigger --subsystem-match=tty --action=change || true
  fi
  cat <<'MSG'

ESP32 IoT Control Center: USB serial access
  Installed /etc/udev/rules.d/99-esp32-iot-control-center.rules: ESP32 boards (CP210x, CH34x,
  FTDI, Espressif native USB) can be opened by the user logged in at this computer. Unplug and
  replug a board that is already connected.
  Over SSH, from a service, or on a system without systemd-logind, the user also needs the
  dialout group:   sudo usermod -aG dialout YOUR_USER   (then log out and back in)
MSG
  installing_user="${SUDO_USER:-}"
  if [ -n "$installing_user" ] && [ "$installing_user" != root ] &&
    ! id -nG "$installing_user" 2>/dev/null | tr ' ' '\n' | grep -qx dialout; then
    echo "  $installing_user is not in dialout yet: sudo usermod -aG dialout $installing_user"
  fi
fi
