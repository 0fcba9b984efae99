#!/usr/bin/env python3
"""A fake Klipper API socket (Klipper's docs/API_Server.md framing: JSON
messages each ended by 0x03) for the after-update flash tests.

usage: fake_klippy.py SOCKET MODE LOG
  MODE  printing | paused | standby | complete | not-ready | silent | garbage
Answers "info" and "objects/query" the way klippy/webhooks.py does for that
state, appends "klippy <method>" to LOG for every request (the same log the
fake systemctl and make flash write, so the order is recorded), and creates
SOCKET.ready once it listens. Serves until killed."""
import json
import os
import socket
import sys

path, mode, log = sys.argv[1], sys.argv[2], sys.argv[3]

INFO = {
    "not-ready": {"state": "error", "state_message":
                  "MCU Protocol error\n\nThis is frequently caused by running an older "
                  "version of the firmware on the MCU(s)."},
}
ready = {"state": "ready", "state_message": "Printer is ready"}
IDLE = {"printing": "Printing", "paused": "Ready", "standby": "Idle", "complete": "Ready"}


def reply(req):
    method, rid = req.get("method"), req.get("id")
    if method == "info":
        result = dict(INFO.get(mode, ready), software_version="v0.13.0-731-g1a2b3c4d5",
                      klipper_path="/home/pi/klipper")
        return {"id": rid, "result": result}
    if method == "objects/query":
        objects = req["params"]["objects"]
        status = {}
        for name, fields in objects.items():
            if name == "print_stats":
                status[name] = {"state": mode}
            elif name == "idle_timeout":
                status[name] = {"state": IDLE.get(mode, "Idle")}
            else:
                status[name] = {}
        return {"id": rid, "result": {"eventtime": 3051555.377, "status": status}}
    return {"id": rid, "error": {"error": "WebRequestError",
                                 "message": "webhooks: No registered callback for path '%s'"
                                 % method}}


def serve(conn):
    buf = b""
    while True:
        data = conn.recv(4096)
        if not data:
            return
        buf += data
        while b"\x03" in buf:
            raw, buf = buf.split(b"\x03", 1)
            req = json.loads(raw)
            with open(log, "a") as f:
                f.write("klippy %s\n" % req.get("method"))
            if mode == "silent":
                continue
            if mode == "garbage":
                conn.sendall(b'{"id": 1, "result": {"state": \x03')
                continue
            # A notification first, as a subscribed client would get: skipped.
            conn.sendall(json.dumps({"params": {"response": "// ok"}}).encode() + b"\x03")
            conn.sendall(json.dumps(reply(req)).encode() + b"\x03")


if os.path.exists(path):
    os.unlink(path)
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(1)
open(path + ".ready", "w").close()
while True:
    c, _ = srv.accept()
    try:
        serve(c)
    except (ConnectionError, OSError):
        pass
    c.close()
