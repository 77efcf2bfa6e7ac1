# The over-the-air update guard (docs/ota.md, steps 5-6). Outside lib/iotfw/ so an update never
# replaces it: boot.py calls boot() first on every reset. It finishes a swap that a power cut
# interrupted, counts the boots of a new version on trial, and puts the previous files back
# when the new ones crash, fail to import or never come online. Only modules every ESP32 build
# has; nothing here imports iotfw except the trial's import check.
import json
import os
import sys

OTA = "/ota"
NEW = "/ota/new"
PREV = "/ota/prev"
STATE = "/ota/state.json"
JOURNAL = "/ota/journal.json"
TRIAL = "/ota/trial.json"
RESULT = "/ota/result.json"
MAX_BOOTS = 3  # boots of a trial without confirmation before it is rolled back
APP = ("main.py", "lib/iotfw")  # what an update replaces, relative to /


def exists(path):
    try:
        os.stat(path)
        return True
    except OSError:
        return False


def _is_dir(path):
    return os.stat(path)[0] & 0x4000 != 0


def makedirs(path):
    cur = ""
    for part in path.split("/"):
        if not part:
            continue
        cur += "/" + part
        if not exists(cur):
            os.mkdir(cur)


def remove(path):
    try:
        os.remove(path)
    except OSError:
        pass


def rmtree(path):
    if not exists(path):
        return
    if not _is_dir(path):
        os.remove(path)
        return
    for name in os.listdir(path):
        rmtree(path + "/" + name)
    os.rmdir(path)


def walk(root, rel=""):
    # -> paths of the files below root, relative to it (sorted, so runs are repeatable).
    out = []
    base = root + ("/" + rel if rel else "")
    if not exists(base):
        return out
    if not _is_dir(base):
        return [rel]
    for name in sorted(os.listdir(base)):
        out.extend(walk(root, rel + "/" + name if rel else name))
    return out


def app_files(root=""):
    # The application's files under root ("" = the board's /): main.py and lib/iotfw/**.
    out = []
    for p in APP:
        out.extend(walk(root, p))
    return out


def read_json(path):
    # A write interrupted between its two renames leaves only the .tmp: that one counts then.
    for p in (path, path + ".tmp"):
        try:
            with open(p) as f:
                return json.load(f)
        except (OSError, ValueError):
            pass
    return None


def write_json(path, data):
    # Written beside, then renamed: a power cut leaves the old or the new file, never half.
    makedirs(path[: path.rfind("/")])
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(json.dumps(data))
    remove(path)  # FAT refuses to rename onto an existing file
    os.rename(tmp, path)


def move(src, dst):
    makedirs(dst[: dst.rfind("/")])
    remove(dst)
    os.rename(src, dst)


def swap(version, previous, update=None):
    # The verified files in /ota/new become the application; the current ones go to /ota/prev
    # (the one previous version kept). Journaled: boot() completes it after a power cut.
    rmtree(PREV)
    j = {"op": "swap", "phase": "out", "old": app_files(), "new": walk(NEW)}
    j["trial"] = {"version": version, "previous": previous, "update": update, "boots": 0}
    write_json(JOURNAL, j)
    _run(j)


def rollback(reason, error=None):
    # Puts /ota/prev back in place of the version on trial. -> False when there is nothing
    # to go back to (the trial is dropped then: deleting the only application would brick it).
    t = read_json(TRIAL) or {}
    prev = walk(PREV)
    if "main.py" not in prev:
        print("otaguard: no previous version to roll back to (%s)" % reason)
        remove(TRIAL)
        return False
    res = {"version": t.get("version"), "previous": t.get("previous"), "reason": reason, "rolled_back": True}
    if t.get("update"):
        res["update"] = t["update"]
    if error:
        res["error"] = str(error)[:200]
    print("otaguard: rolling back %s to %s: %s" % (t.get("version"), t.get("previous"), reason))
    j = {"op": "rollback", "phase": "out", "old": app_files(), "new": prev, "result": res}
    write_json(JOURNAL, j)
    _run(j)
    return True


def _run(j):
    # Idempotent, so a power cut anywhere in here is repaired by running it again at boot.
    swapping = j["op"] == "swap"
    if j["phase"] == "out":
        for p in j["old"]:
            if exists("/" + p):
                if swapping:
                    move("/" + p, PREV + "/" + p)
                else:
                    os.remove("/" + p)  # the failed version: not worth keeping
        j["phase"] = "in"
        write_json(JOURNAL, j)
    src = NEW if swapping else PREV
    for p in j["new"]:
        if exists(src + "/" + p):
            move(src + "/" + p, "/" + p)
    if swapping:
        if not exists(TRIAL):
            write_json(TRIAL, j["trial"])
        rmtree(NEW)
        remove(STATE)
    else:
        write_json(RESULT, j["result"])
        remove(TRIAL)
        rmtree(PREV)
    remove(JOURNAL)
    remove(JOURNAL + ".tmp")


def _reset():
    import machine

    machine.reset()


def boot():
    # boot.py, before anything else. -> None; resets the board when it rolled back.
    j = read_json(JOURNAL)
    if j is not None:
        print("otaguard: finishing an interrupted %s" % j.get("op"))
        _run(j)
    t = read_json(TRIAL)
    if t is None:
        return
    t["boots"] = t.get("boots", 0) + 1
    write_json(TRIAL, t)
    if t["boots"] > MAX_BOOTS:
        if rollback("crashed"):
            _reset()
        return
    try:
        __import__("iotfw.app")
        __import__("iotfw.startup")
    except Exception as e:
        if rollback("import_error", "%s: %s" % (type(e).__name__, e)):
            for name in list(sys.modules):
                if name.startswith("iotfw"):
                    del sys.modules[name]
            _reset()
