"""The yardstick of scripts/bench-retrieve: what a typical team writes for `retrieve` in Python.

FastAPI + uvicorn + sqlite3: every request hashes the bearer token, looks its credential up (refusing an unknown,
revoked or expired one with 401), parses the JSON body and reads the task of the credential's application by id
from a SQLite file, answering its stored record bytes.

    python3 scripts/bench-yardstick.py --data DIR --token TOKEN --id TASK_ID --record FILE --port N

It creates DIR/yardstick.sqlite holding one application, the token's credential and the task whose record is
FILE's bytes, then serves POST /midjourney/tasks on 127.0.0.1:N with one uvicorn worker.
"""

import argparse
import hashlib
import json
import os
import sqlite3
import time

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
parser.add_argument("--data", required=True)
parser.add_argument("--token", required=True)
parser.add_argument("--id", required=True)
parser.add_argument("--record", required=True)
parser.add_argument("--port", type=int, required=True)
options = parser.parse_args()

path = os.path.join(options.data, "yardstick.sqlite")
with sqlite3.connect(path) as setup:
    setup.executescript(
        """
        PRAGMA journal_mode = WAL;
        CREATE TABLE IF NOT EXISTS credentials (token_hash TEXT PRIMARY KEY, application_id TEXT NOT NULL,
            revoked INTEGER NOT NULL DEFAULT 0, expires_at REAL);
        CREATE TABLE IF NOT EXISTS tasks (id TEXT PRIMARY KEY, application_id TEXT NOT NULL, record BLOB NOT NULL);
        """
    )
    setup.execute("INSERT OR REPLACE INTO credentials VALUES (?, 'app', 0, NULL)",
                  (hashlib.sha256(options.token.encode()).hexdigest(),))
    with open(options.record, "rb") as file:
        setup.execute("INSERT OR REPLACE INTO tasks VALUES (?, 'app', ?)", (options.id, file.read()))

database = sqlite3.connect(path, check_same_thread=False)
app = FastAPI()


def refuse(status, code, message):
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


@app.post("/midjourney/tasks")
async def tasks(request: Request):
    header = request.headers.get("authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else header.strip()
    row = database.execute(
        "SELECT application_id, revoked, expires_at FROM credentials WHERE token_hash = ?",
        (hashlib.sha256(token.encode()).hexdigest(),),
    ).fetchone()
    if row is None or row[1] or (row[2] is not None and row[2] <= time.time()):
        return refuse(401, "invalid_token", "The token is unknown, revoked or expired.")
    try:
        body = json.loads(await request.body())
    except ValueError:
        return refuse(400, "bad_request", "The body is not JSON.")
    if not isinstance(body, dict) or body.get("action") != "retrieve" or not isinstance(body.get("id"), str):
        return refuse(400, "bad_request", "Only retrieve by id is served here.")
    task = database.execute("SELECT record FROM tasks WHERE id = ? AND application_id = ?", (body["id"], row[0])).fetchone()
    return Response(task[0] if task else b"{}", media_type="application/json")


uvicorn.run(app, host="127.0.0.1", port=options.port, log_level="warning", access_log=False)
