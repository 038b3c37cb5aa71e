"""Server time of the lead list's first page at 100,000 leads, against the raw SQL of the page.

    .venv/bin/python -m benchmarks.lead_list [--leads 100000] [--repeat 15]

A seeded generator fills a fresh SQLite file with bulk inserts; the page is then requested
through the whole application (session, query, count, template) and timed inside the ASGI
call, from the request's arrival to the last byte of the answer. The baseline runs the same
page's SQL alone with the sqlite3 module: rows only, no count, no rendering.
"""

from __future__ import annotations

import argparse
import secrets
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable, MutableMapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi.testclient import TestClient

from benchmarks.lead_seed import seed
from leadflow.adapters.db.database import Database
from leadflow.adapters.db.web_sessions import WebSessionStore
from leadflow.services.workspaces.sessions import session_hash
from leadflow.settings import Settings
from leadflow.web.app import create_app

TARGET_MS = 150.0
Message = MutableMapping[str, Any]
PAGE_SQL = """
SELECT l.id, l.stage, l.grade, l.created_at, c.first_name, c.last_name, c.email,
       a.name AS company
FROM leads l JOIN contacts c ON c.id = l.contact_id LEFT JOIN accounts a ON a.id = l.account_id
WHERE l.workspace_id = ? {where}
ORDER BY l.created_at DESC, l.id DESC LIMIT 50
"""
SEARCH = "AND (c.email LIKE ? OR c.first_name LIKE ? OR c.last_name LIKE ? OR a.name LIKE ?)"


class ServerTimer:
    """Wraps the ASGI app and keeps the time of the last request, in seconds."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.last = 0.0

    async def __call__(
        self,
        scope: Message,
        receive: Callable[[], Awaitable[Message]],
        send: Callable[[Message], Awaitable[None]],
    ) -> None:
        started = time.perf_counter()

        async def timed(message: Message) -> None:
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body"):
                self.last = time.perf_counter() - started

        await self.app(scope, receive, timed)


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def _p95_ms(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(int(len(ordered) * 0.95) - 1, 0)] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        url = f"sqlite:///{path}"
        db = Database(url)
        db.upgrade()
        began = time.perf_counter()
        seeded = seed(db, leads_count=args.leads)
        print(f"seeded {args.leads:,} leads in {time.perf_counter() - began:.1f} s")
        token = secrets.token_urlsafe(32)
        now = datetime.now(UTC)
        with db.transaction() as connection:
            WebSessionStore(connection).add(
                session_hash(token),
                seeded.user_id,
                seeded.workspace_id,
                now,
                now + timedelta(hours=2),
            )
        timer = ServerTimer(create_app(Settings(database_url=url), db=db))
        client = TestClient(timer)
        client.cookies.set("lf_session", token)
        raw = sqlite3.connect(path)
        cases = [
            ("first page", "", "", ()),
            ("filter stage = mql", "stage=mql", "AND l.stage = 'mql'", ()),
            (
                "filter grade A + owner",
                f"grade=A&owner={seeded.user_id}",
                f"AND l.grade = 'A' AND l.owner_id = {seeded.user_id}",
                (),
            ),
            ("search 'müller' (common)", "q=" + quote("müller"), SEARCH, ("%müller%",) * 4),
            ("search 'person4242' (rare)", "q=person4242", SEARCH, ("%person4242%",) * 4),
            ("search 'firma' (every lead)", "q=firma", SEARCH, ("%firma%",) * 4),
        ]
        print(f"{'case':32} {'leadflow ms':>12} {'p95 ms':>8} {'raw SQL ms':>11} {'ratio':>6}")
        for label, query, where, parameters in cases:
            served: list[float] = []
            for attempt in range(args.repeat + 2):
                answer = client.get(f"/app/leads?{query}")
                assert answer.status_code == 200, answer.text[:500]
                if attempt >= 2:
                    served.append(timer.last)
            baseline: list[float] = []
            sql = PAGE_SQL.format(where=where)
            for _attempt in range(args.repeat):
                started = time.perf_counter()
                raw.execute(sql, (seeded.workspace_id, *parameters)).fetchall()
                baseline.append(time.perf_counter() - started)
            ms, base = _median_ms(served), _median_ms(baseline)
            verdict = "ok" if ms <= TARGET_MS else "OVER TARGET"
            print(
                f"{label:32} {ms:12.1f} {_p95_ms(served):8.1f} {base:11.1f} "
                f"{ms / base if base else float('inf'):6.1f}  {verdict}"
            )
        board: list[float] = []
        for _attempt in range(args.repeat):
            client.get("/app/board")
            board.append(timer.last)
        print(f"{'pipeline board':32} {_median_ms(board):12.1f} {_p95_ms(board):8.1f}")
        raw.close()
        client.close()
        db.dispose()


if __name__ == "__main__":
    main()
