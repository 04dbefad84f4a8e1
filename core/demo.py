"""The built-in demo project: a small shop (Python API + TypeScript web client) in a git repository.

`build()` commits FIRST; `apply_second()` commits SECOND on top, a change set chosen to exercise
every kind of drift tether tracks (body, signature, rename, move, class rename, deletion,
pure reformat). CHANGES documents it in symbol ids. Both commits are deterministic.
"""

from __future__ import annotations

import os
from pathlib import Path

from tether.core.errors import TetherError

BRANCH = "refs/heads/main"
AUTHOR = ("Demo Dev", "dev@example.com")
# Fixed times (UTC seconds, offset in minutes) so both commit ids are the same on every machine.
FIRST_TIME = (1709283600, 60)  # 2024-03-01 10:00 +01:00
SECOND_TIME = (1709566200, 60)  # 2024-03-04 16:30 +01:00
FIRST_MESSAGE = "Shop API and web client\n"
SECOND_MESSAGE = (
    "Retry user refresh, charge in a currency, tidy auth and billing\n\n"
    "- UserService.refresh retries when the pool is exhausted\n"
    "- charge() takes a currency; the checkout sends one\n"
    "- check_token -> verify_token, TokenSigner -> HmacSigner\n"
    "- normalize_email moves to api/util.py\n"
    "- drop the expired coupon and the one-off CSV export\n"
    "- ruff format api/db.py\n"
)


def _src(text: str) -> str:
    return text.lstrip("\n")


FIRST: dict[str, str] = {
    "README.md": _src(r'''
# demo-shop

A small shop used as tether's demo project.

* `api/` is the Python backend: services over a sqlite connection pool, token auth,
  billing, and a thin HTTP layer (`python -m api.server`).
* `web/` is the TypeScript client: a fetch wrapper, the session, and UI components.

Known sharp edge: `api.db.Pool` is not thread-safe, so the server is single-threaded.
'''),
    ".gitignore": "__pycache__/\n*.db\nweb/node_modules/\nweb/dist/\n",
    "pyproject.toml": _src(r'''
[project]
name = "demo-shop"
version = "0.3.0"
requires-python = ">=3.11"

[tool.ruff]
line-length = 100
'''),
    "api/__init__.py": _src(r'''
"""The demo shop's backend."""

__version__ = "0.3.0"
'''),
    "api/db.py": _src(r'''
"""A tiny pool of sqlite3 connections.

The pool keeps its free connections in a plain list and takes no lock: it is NOT
thread-safe. The server handles one request at a time, which is what keeps it correct.
"""
import sqlite3
from contextlib import contextmanager


class PoolExhausted(Exception):
  """Every connection is checked out."""


class Pool:
  """A fixed number of connections to one database file, reused between requests."""
  def __init__(self, path: str, size: int = 4):
    self.path = path
    self.size = size
    self._free = [sqlite3.connect(path, check_same_thread=False) for _ in range(size)]
    self._busy = set()
  def acquire(self):
    """Check a connection out. Two threads calling this at once may get the same one."""
    if not self._free:
      raise PoolExhausted(f'all {self.size} connections to {self.path} are in use')
    conn = self._free.pop()
    self._busy.add(conn)
    return conn
  def release(self, conn):
    self._busy.discard(conn)
    self._free.append(conn)
  @contextmanager
  def connection(self):
    """`with pool.connection() as conn:` acquires and always releases."""
    conn = self.acquire()
    try:
      yield conn
    finally:
      self.release(conn)
  def close(self):
    for conn in self._free + list(self._busy):
      conn.close()
    self._free, self._busy = [], set()
'''),
    "api/service.py": _src(r'''
"""The base class of the backend services."""

from api.db import Pool


class Service:
    """A service owns a pool and runs its SQL through `query()`."""

    table = ""

    def __init__(self, pool: Pool):
        self.pool = pool

    def query(self, sql: str, *params):
        """Run one statement on a pooled connection; returns every row."""
        with self.pool.connection() as conn:
            rows = conn.execute(sql, params).fetchall()
            conn.commit()
            return rows

    def count(self) -> int:
        return self.query(f"SELECT COUNT(*) FROM {self.table}")[0][0]
'''),
    "api/util.py": _src(r'''
"""Small helpers shared by the services."""

from datetime import datetime, timezone


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def format_cents(cents: int) -> str:
    """1234 -> "12.34"."""
    return f"{cents // 100}.{cents % 100:02d}"
'''),
    "api/users.py": _src(r'''
"""Users: lookup through an in-memory cache, refresh, deactivation."""

from dataclasses import dataclass

from api.service import Service


@dataclass
class User:
    id: int
    email: str
    active: bool = True


def normalize_email(email: str) -> str:
    """Strip spaces and lower-case: we treat the whole address as case-insensitive."""
    return email.strip().lower()


class UserService(Service):
    """Reads users; `refresh()` reloads the whole cache from the database."""

    table = "users"

    def __init__(self, pool):
        super().__init__(pool)
        self._cache: dict[int, User] = {}

    def get(self, user_id: int) -> User | None:
        if user_id not in self._cache:
            self.refresh()
        return self._cache.get(user_id)

    def find_by_email(self, email: str) -> User | None:
        wanted = normalize_email(email)
        return next((u for u in self._cache.values() if u.email == wanted), None)

    def refresh(self) -> int:
        """Reload the cache; returns how many users it holds."""
        rows = self.query("SELECT id, email, active FROM users")
        self._cache = {r[0]: User(r[0], r[1], bool(r[2])) for r in rows}
        return len(self._cache)

    def deactivate(self, user_id: int) -> None:
        self.query("UPDATE users SET active = 0 WHERE id = ?", user_id)
        self._cache.pop(user_id, None)
'''),
    "api/auth.py": _src(r'''
"""Bearer tokens of the form `<user id>.<expiry>.<signature>`, signed with HMAC-SHA256."""

import hashlib
import hmac
import time

SECRET = b"demo-secret-change-me"
TOKEN_TTL = 3600  # seconds


class TokenError(Exception):
    """A token that is malformed, forged or expired."""


class TokenSigner:
    """Signs and checks payloads with one shared secret."""

    def __init__(self, secret: bytes):
        self.secret = secret

    def sign(self, payload: str) -> str:
        return hmac.new(self.secret, payload.encode(), hashlib.sha256).hexdigest()

    def verify(self, payload: str, signature: str) -> bool:
        return hmac.compare_digest(self.sign(payload), signature)


_signer = TokenSigner(SECRET)


def issue_token(user_id: int, now: float | None = None) -> str:
    expires = int((now or time.time()) + TOKEN_TTL)
    payload = f"{user_id}.{expires}"
    return f"{payload}.{_signer.sign(payload)}"


def check_token(token: str, now: float | None = None) -> int:
    """The user id a valid token carries; raises TokenError otherwise."""
    try:
        user_id, expires, signature = token.split(".")
    except ValueError:
        raise TokenError("malformed token") from None
    if not _signer.verify(f"{user_id}.{expires}", signature):
        raise TokenError("bad signature")
    if int(expires) < (now or time.time()):
        raise TokenError("token expired")
    return int(user_id)


def require_user(headers: dict[str, str]) -> int:
    """The user id of an `Authorization: Bearer <token>` header."""
    auth = headers.get("Authorization", "")
    if not auth.startswith("Bearer "):
        raise TokenError("missing bearer token")
    return check_token(auth.removeprefix("Bearer "))
'''),
    "api/billing.py": _src(r'''
"""Invoices and card charges. The payment gateway is faked with an in-memory ledger."""

from dataclasses import dataclass, field

from api.util import format_cents

_ledger: list = []


@dataclass
class Invoice:
    user_id: int
    lines: list[tuple[str, int]] = field(default_factory=list)
    paid: bool = False

    def add_line(self, label: str, cents: int) -> None:
        if cents < 0:
            raise ValueError("negative line: issue a refund instead")
        self.lines.append((label, cents))

    def total(self) -> int:
        return sum(cents for _, cents in self.lines)

    def summary(self) -> str:
        return f"{len(self.lines)} item(s), {format_cents(self.total())}"


def charge(amount: int) -> str:
    """Charge `amount` cents to the card on file; returns the gateway's transaction id."""
    if amount <= 0:
        raise ValueError("nothing to charge")
    _ledger.append(amount)
    return f"txn_{len(_ledger):06d}"


def apply_coupon(invoice: Invoice, code: str) -> None:
    """10% off with the launch coupon (the campaign ran until March)."""
    if code == "LAUNCH10":
        invoice.lines.append(("coupon LAUNCH10", -invoice.total() // 10))
'''),
    "api/export.py": _src(r'''
"""One-off CSV export of the user table, for the CRM migration.

Usage: python -m api.export app.db > users.csv
"""

import csv
import sys

from api.db import Pool
from api.users import UserService


def export_csv(service: UserService, out) -> int:
    """Write every user as a CSV row to `out`; returns the number of rows."""
    service.refresh()
    writer = csv.writer(out)
    writer.writerow(["id", "email", "active"])
    users = sorted(service._cache.values(), key=lambda u: u.id)
    for user in users:
        writer.writerow([user.id, user.email, int(user.active)])
    return len(users)


if __name__ == "__main__":
    export_csv(UserService(Pool(sys.argv[1])), sys.stdout)
'''),
    "api/handlers.py": _src(r'''
"""The HTTP layer: one handler per resource, over plain dicts."""

import json

from api.auth import TokenError, require_user
from api.billing import Invoice, charge
from api.users import UserService


class Response:
    def __init__(self, status: int, body: dict):
        self.status = status
        self.body = body

    def encode(self) -> bytes:
        return json.dumps(self.body).encode()


class Handler:
    """Authenticates the request, then calls the method named like the HTTP verb."""

    def __init__(self, users: UserService):
        self.users = users

    def handle(self, method: str, headers: dict[str, str], body: dict) -> Response:
        try:
            user_id = require_user(headers)
        except TokenError as e:
            return Response(401, {"error": str(e)})
        action = getattr(self, method.lower(), None)
        if action is None:
            return Response(405, {"error": f"{method} not allowed"})
        return action(user_id, body)


class UserHandler(Handler):
    def get(self, user_id: int, body: dict) -> Response:
        user = self.users.get(user_id)
        if user is None:
            return Response(404, {"error": "no such user"})
        return Response(200, {"id": user.id, "email": user.email})


class BillingHandler(Handler):
    def post(self, user_id: int, body: dict) -> Response:
        invoice = Invoice(user_id)
        for line in body.get("lines", []):
            invoice.add_line(line["label"], int(line["cents"]))
        txn = charge(invoice.total())
        invoice.paid = True
        return Response(201, {"transaction": txn, "summary": invoice.summary()})
'''),
    "api/server.py": _src(r'''
"""Wires pool, services and handlers together and serves them over HTTP."""

import json
from http.server import BaseHTTPRequestHandler, HTTPServer

from api.db import Pool
from api.handlers import BillingHandler, Response, UserHandler
from api.users import UserService


def make_routes(pool: Pool) -> dict:
    users = UserService(pool)
    return {"/me": UserHandler(users), "/billing/charge": BillingHandler(users)}


def dispatch(routes: dict, path: str, method: str, headers: dict, body: dict) -> Response:
    handler = routes.get(path)
    if handler is None:
        return Response(404, {"error": f"no route for {path}"})
    return handler.handle(method, headers, body)


class _Http(BaseHTTPRequestHandler):
    routes: dict = {}

    def do_GET(self):
        self._serve("GET")

    def do_POST(self):
        self._serve("POST")

    def _serve(self, method: str):
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        resp = dispatch(self.routes, self.path, method, dict(self.headers), body)
        self.send_response(resp.status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(resp.encode())


def main(port: int = 8000) -> None:
    _Http.routes = make_routes(Pool("app.db"))
    # HTTPServer, not ThreadingHTTPServer: the Pool is not thread-safe.
    HTTPServer(("127.0.0.1", port), _Http).serve_forever()


if __name__ == "__main__":
    main()
'''),
    "web/package.json": _src(r'''
{
  "name": "demo-shop-web",
  "version": "0.3.0",
  "private": true,
  "type": "module",
  "scripts": {
    "build": "tsc -p .",
    "check": "tsc -p . --noEmit"
  },
  "devDependencies": {
    "typescript": "^5.4.0"
  }
}
'''),
    "web/tsconfig.json": _src(r'''
{
  "compilerOptions": {
    "target": "ES2022",
    "module": "ES2022",
    "lib": ["ES2022", "DOM"],
    "strict": true,
    "outDir": "dist"
  },
  "include": ["src"]
}
'''),
    "web/src/api.ts": _src(r'''
/** A small typed client for the shop's JSON API. */

export class ApiError extends Error {
  constructor(public status: number, message: string) {
    super(message);
  }
}

export class Client {
  constructor(private baseUrl: string, private token: () => string | null) {}

  get<T>(path: string): Promise<T> {
    return this.request<T>("GET", path);
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>("POST", path, body);
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { "Content-Type": "application/json" };
    const token = this.token();
    if (token) headers["Authorization"] = `Bearer ${token}`;
    const res = await fetch(this.baseUrl + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = await res.json();
    if (!res.ok) throw new ApiError(res.status, data.error ?? res.statusText);
    return data as T;
  }
}
'''),
    "web/src/session.ts": _src(r'''
/** The signed-in user's token, kept in localStorage between visits. */

const KEY = "shop.token";

export class Session {
  private token: string | null;

  constructor(private storage: Storage = window.localStorage) {
    this.token = storage.getItem(KEY);
  }

  get signedIn(): boolean {
    return this.token !== null;
  }

  current(): string | null {
    return this.token;
  }

  signIn(token: string): void {
    this.token = token;
    this.storage.setItem(KEY, token);
  }

  signOut(): void {
    this.token = null;
    this.storage.removeItem(KEY);
  }
}
'''),
    "web/src/components/Component.ts": _src(r'''
/** Base class of the UI components: render to an HTML string, mount into an element. */

export abstract class Component<P> {
  protected root: HTMLElement | null = null;

  constructor(protected props: P) {}

  abstract render(): string;

  mount(root: HTMLElement): void {
    this.root = root;
    this.update(this.props);
  }

  update(props: P): void {
    this.props = props;
    if (this.root) this.root.innerHTML = this.render();
  }
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}
'''),
    "web/src/components/UserCard.ts": _src(r'''
import { Component, escapeHtml } from "./Component";

export interface UserProps {
  id: number;
  email: string;
}

/** The signed-in user's badge in the header. */
export class UserCard extends Component<UserProps> {
  render(): string {
    return `<div class="user-card">#${this.props.id} ${escapeHtml(this.props.email)}</div>`;
  }
}
'''),
    "web/src/components/Checkout.ts": _src(r'''
import { Client } from "../api";
import { Component, escapeHtml } from "./Component";

export interface Line {
  label: string;
  cents: number;
}

interface ChargeResult {
  transaction: string;
  summary: string;
}

/** The cart's lines and a pay button that posts them to /billing/charge. */
export class Checkout extends Component<{ lines: Line[] }> {
  constructor(private client: Client, lines: Line[]) {
    super({ lines });
  }

  render(): string {
    const rows = this.props.lines.map((l) => `<li>${escapeHtml(l.label)}: ${l.cents / 100}</li>`);
    return `<ul>${rows.join("")}</ul><button class="pay">Pay</button>`;
  }

  pay(): Promise<ChargeResult> {
    return this.client.post<ChargeResult>("/billing/charge", { lines: this.props.lines });
  }
}
'''),
    "web/src/main.ts": _src(r'''
import { Client } from "./api";
import { Session } from "./session";
import { Checkout } from "./components/Checkout";
import { UserCard, UserProps } from "./components/UserCard";

/** Mount the header badge and the checkout once the page has loaded. */
export async function boot(doc: Document): Promise<void> {
  const session = new Session();
  const client = new Client("/api", () => session.current());
  if (!session.signedIn) return;
  const me = await client.get<UserProps>("/me");
  new UserCard(me).mount(doc.querySelector<HTMLElement>("#user")!);
  const checkout = new Checkout(client, [{ label: "T-shirt", cents: 1900 }]);
  checkout.mount(doc.querySelector<HTMLElement>("#checkout")!);
  doc.querySelector(".pay")?.addEventListener("click", () => checkout.pay());
}

window.addEventListener("DOMContentLoaded", () => boot(document));
'''),
}


def _edit(path: str, *pairs: tuple[str, str]) -> str:
    """FIRST's `path` with each `old` text (which must occur exactly once) replaced by `new`."""
    text = FIRST[path]
    for old, new in pairs:
        assert text.count(old) == 1, (path, old)
        text = text.replace(old, new)
    return text


_REFRESH_OLD = '''\
        rows = self.query("SELECT id, email, active FROM users")
        self._cache'''
_REFRESH_NEW = '''\
        for attempt in range(REFRESH_ATTEMPTS):
            try:
                rows = self.query("SELECT id, email, active FROM users")
                break
            except PoolExhausted:
                if attempt == REFRESH_ATTEMPTS - 1:
                    raise
                time.sleep(0.05 * 2**attempt)  # every connection busy: back off
        self._cache'''

_NORMALIZE_EMAIL = '''\
def normalize_email(email: str) -> str:
    """Strip spaces and lower-case: we treat the whole address as case-insensitive."""
    return email.strip().lower()
'''

SECOND: dict[str, str | None] = {
    "pyproject.toml": _edit("pyproject.toml", ('version = "0.3.0"', 'version = "0.4.0"')),
    "api/__init__.py": _edit("api/__init__.py", ('"0.3.0"', '"0.4.0"')),
    # Body change: refresh() retries; its signature stays. The import of normalize_email
    # follows the function's move to api/util.py.
    "api/users.py": _edit(
        "api/users.py",
        ("from dataclasses import dataclass\n\nfrom api.service import Service\n",
         "import time\nfrom dataclasses import dataclass\n\nfrom api.db import PoolExhausted\n"
         "from api.service import Service\nfrom api.util import normalize_email\n\n"
         "REFRESH_ATTEMPTS = 3\n"),
        ("\n\n" + _NORMALIZE_EMAIL, ""),
        ('"""Reload the cache; returns how many users it holds."""',
         '"""Reload the cache; returns how many users it holds.\n\n'
         '        Retries with a short back-off while every pooled connection is busy.\n'
         '        """'),
        (_REFRESH_OLD, _REFRESH_NEW),
    ),
    # Move: normalize_email arrives unchanged.
    "api/util.py": FIRST["api/util.py"] + "\n\n" + _NORMALIZE_EMAIL,
    # Class rename (methods unchanged), function rename (body unchanged), and the caller.
    "api/auth.py": _edit(
        "api/auth.py",
        ("class TokenSigner:", "class HmacSigner:"),
        ("_signer = TokenSigner(SECRET)", "_signer = HmacSigner(SECRET)"),
        ("def check_token(", "def verify_token("),
        ("return check_token(auth", "return verify_token(auth"),
    ),
    # Signature change of charge(); apply_coupon() deleted.
    "api/billing.py": _edit(
        "api/billing.py",
        ("_ledger: list = []\n", '_ledger: list = []\nCURRENCIES = ("EUR", "USD", "GBP")\n'),
        ('''\
def charge(amount: int) -> str:
    """Charge `amount` cents to the card on file; returns the gateway's transaction id."""
    if amount <= 0:
        raise ValueError("nothing to charge")
    _ledger.append(amount)
''', '''\
def charge(amount: int, currency: str) -> str:
    """Charge `amount` minor units of `currency`; returns the gateway's transaction id."""
    if amount <= 0:
        raise ValueError("nothing to charge")
    if currency not in CURRENCIES:
        raise ValueError(f"unsupported currency {currency!r}")
    _ledger.append((amount, currency))
'''),
        ('''

def apply_coupon(invoice: Invoice, code: str) -> None:
    """10% off with the launch coupon (the campaign ran until March)."""
    if code == "LAUNCH10":
        invoice.lines.append(("coupon LAUNCH10", -invoice.total() // 10))
''', ""),
    ),
    "api/handlers.py": _edit(
        "api/handlers.py",
        ("txn = charge(invoice.total())", 'txn = charge(invoice.total(), body.get("currency", "EUR"))'),
    ),
    "api/export.py": None,
    # Reformatted only (ruff format): indentation, blank lines, quotes, comments.
    "api/db.py": _src(r'''
"""A tiny pool of sqlite3 connections.

The pool keeps its free connections in a plain list and takes no lock: it is NOT
thread-safe. The server handles one request at a time, which is what keeps it correct.
"""

import sqlite3
from contextlib import contextmanager


class PoolExhausted(Exception):
    """Every connection is checked out."""


class Pool:
    """A fixed number of connections to one database file, reused between requests."""

    def __init__(self, path: str, size: int = 4):
        self.path = path
        self.size = size
        # check_same_thread=False only silences sqlite3's own check; see the module docstring.
        self._free = [
            sqlite3.connect(path, check_same_thread=False) for _ in range(size)
        ]
        self._busy = set()

    def acquire(self):
        """Check a connection out. Two threads calling this at once may get the same one."""
        if not self._free:
            raise PoolExhausted(
                f"all {self.size} connections to {self.path} are in use"
            )
        conn = self._free.pop()
        self._busy.add(conn)
        return conn

    def release(self, conn):
        self._busy.discard(conn)
        self._free.append(conn)

    @contextmanager
    def connection(self):
        """`with pool.connection() as conn:` acquires and always releases."""
        conn = self.acquire()
        try:
            yield conn
        finally:
            self.release(conn)

    def close(self):
        for conn in self._free + list(self._busy):
            conn.close()
        self._free, self._busy = [], set()
'''),
    # The web client sends the currency the API now requires.
    "web/package.json": _edit("web/package.json", ('"version": "0.3.0"', '"version": "0.4.0"')),
    "web/src/components/Checkout.ts": _edit(
        "web/src/components/Checkout.ts",
        ("constructor(private client: Client, lines: Line[]) {",
         'constructor(private client: Client, lines: Line[], private currency = "EUR") {'),
        ('{ lines: this.props.lines });',
         '{\n      lines: this.props.lines,\n      currency: this.currency,\n    });'),
    ),
}

# What the second commit does, in tether symbol ids (`<path>::<Dotted.Name>`; a bare path is the file).
CHANGES: dict[str, str] = {
    "body changed": "api/users.py::UserService.refresh -> api/users.py::UserService.refresh",
    "signature changed": "api/billing.py::charge -> api/billing.py::charge",
    "body changed (caller of charge)":
        "api/handlers.py::BillingHandler.post -> api/handlers.py::BillingHandler.post",
    "body changed (caller of check_token)": "api/auth.py::require_user -> api/auth.py::require_user",
    "function renamed": "api/auth.py::check_token -> api/auth.py::verify_token",
    "function moved": "api/users.py::normalize_email -> api/util.py::normalize_email",
    "class renamed": "api/auth.py::TokenSigner -> api/auth.py::HmacSigner",
    "function deleted": "api/billing.py::apply_coupon -> deleted",
    "file deleted": "api/export.py -> deleted",
    "file reformatted": "api/db.py -> api/db.py",
}


def default_location() -> Path:
    """Where `tether demo` builds the project unless told otherwise."""
    cache = os.environ.get("XDG_CACHE_HOME", "")
    base = Path(cache) if cache and os.path.isabs(cache) else Path.home() / ".cache"
    return base / "tether" / "demo"


def build(dest: Path) -> Path:
    """A new git repository at `dest` (absent or empty) holding FIRST as one commit on main."""
    import pygit2

    dest = Path(dest)
    if dest.exists() and not dest.is_dir():
        raise TetherError(f"cannot build the demo at {dest}: it is a file, not a directory")
    if dest.is_dir() and any(dest.iterdir()):
        raise TetherError(f"cannot build the demo at {dest}: the directory is not empty")
    try:
        dest.mkdir(parents=True, exist_ok=True)
        repo = pygit2.init_repository(str(dest), initial_head="main")
        _write(dest, FIRST)
        _commit(repo, FIRST, FIRST_MESSAGE, FIRST_TIME)
    except (OSError, pygit2.GitError) as e:
        raise TetherError(f"cannot build the demo at {dest}: {e}") from e
    return dest


def apply_second(dest: Path) -> str:
    """Write SECOND into the demo at `dest` and commit it on main; returns the new commit id."""
    import pygit2

    dest = Path(dest)
    try:
        repo = pygit2.Repository(str(dest))
        head = repo.references.get(BRANCH)
    except pygit2.GitError:
        head = None
    if head is None:
        raise TetherError(f"no demo repository at {dest}: run the demo build first")
    tip = repo[head.target]
    if tip.parents:
        raise TetherError(f"the demo at {dest} already has its second commit")
    try:
        _write(dest, SECOND)
        return _commit(repo, SECOND, SECOND_MESSAGE, SECOND_TIME, parents=[tip.id])
    except (OSError, pygit2.GitError) as e:
        raise TetherError(f"cannot commit the demo's second change at {dest}: {e}") from e


def _write(root: Path, files: dict[str, str | None]) -> None:
    for rel, text in files.items():
        path = root / rel
        if text is None:
            path.unlink(missing_ok=True)
            parent = path.parent
            while parent != root and not any(parent.iterdir()):
                parent.rmdir()
                parent = parent.parent
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text.encode("utf-8"))


def _commit(repo, files: dict[str, str | None], message: str, when: tuple[int, int],
            parents: list | None = None) -> str:
    import pygit2

    index = repo.index
    for rel, text in sorted(files.items()):
        if text is None:
            index.remove(rel)
        else:
            index.add(rel)  # by path: also files a global excludes file would ignore
    index.write()
    tree = index.write_tree()
    sig = pygit2.Signature(*AUTHOR, time=when[0], offset=when[1])
    oid = repo.create_commit(BRANCH, sig, sig, message, tree, parents or [])
    repo.set_head(BRANCH)
    return str(oid)


def prepare(dest: Path | None = None, reset: bool = False):
    """The demo project, built at `dest` (default_location()) unless already there, and indexed:
    the first commit is indexed before the second is applied, as a user's history would be."""
    import shutil

    from tether.core.project import Project

    dest = Path(dest) if dest else default_location()
    ready = dest / ".tether" / "demo-ready"
    if ready.exists() and ready.read_text("utf-8") != READY_MARK:
        reset = True  # built by an older tether: its demo lacks what this one shows
    if reset and dest.exists():
        shutil.rmtree(dest)
    if not ready.exists():
        if dest.exists() and any(dest.iterdir()):
            raise TetherError(f"{dest} holds an unfinished demo; run again with --reset")
        build(dest)
        project = Project(dest)
        project.index()
        add_notes(project)  # notes linked at the first commit ...
        apply_second(dest)
        project.index()  # ... and the second commit leaves some of them to triage
        ready.write_text(READY_MARK, "utf-8")
    return Project(dest)


READY_MARK = "built by tether demo (with notes)\n"

# Notes a team and its agent would have written at the first commit, linked to the symbols
# CHANGES then touches (and to some it leaves alone), plus a few project-wide ones.
# (text, symbols, files, type, tags, source, session)
NOTES: list[tuple[str, list[str], list[str], str, list[str], str, str | None]] = [
    ("`refresh()` reloads the **whole** user cache in one query. Never call it per request: "
     "`get()` already falls back to it on a cache miss.",
     ["api/users.py::UserService.refresh"], [], "gotcha", ["performance"], "agent", "perf-review"),
    ("`get()` refreshes the entire cache when a user is missing, so a burst of unknown ids costs "
     "one full table scan each.",
     ["api/users.py::UserService.get"], [], "insight", ["performance"], "agent", "perf-review"),
    ("Emails are compared lower-cased and stripped everywhere; `normalize_email` is the one place "
     "that does it. Don't lower-case by hand.",
     ["api/users.py::normalize_email"], [], "convention", ["users"], "user", None),
    ("`find_by_email` only searches the in-memory cache: call `refresh()` first after a bulk import.",
     ["api/users.py::UserService.find_by_email"], [], "gotcha", ["users"], "user", None),
    ("`charge()` takes an amount in **cents** as an `int`. Never pass floats: the gateway rejects "
     "fractional cents.",
     ["api/billing.py::charge"], [], "convention", ["billing"], "user", None),
    ("The billing handler charges `invoice.total()` and only then marks the invoice paid; a failed "
     "charge leaves it unpaid, which is what the retry job relies on.",
     ["api/handlers.py::BillingHandler.post"], [], "decision", ["billing"], "agent", "billing-retry"),
    ("The LAUNCH10 coupon campaign ends in March: remove `apply_coupon` and its call sites then.",
     ["api/billing.py::apply_coupon"], [], "todo", ["billing"], "user", None),
    ("`check_token` verifies the signature **before** the expiry, so a forged token never learns "
     "whether it expired. Keep that order.",
     ["api/auth.py::check_token"], [], "decision", ["security"], "user", None),
    ("`TokenSigner.verify` must use `hmac.compare_digest`; comparing signatures with `==` leaks "
     "timing.",
     ["api/auth.py::TokenSigner"], [], "gotcha", ["security"], "agent", "security-audit"),
    ("The CSV export is a one-off for the CRM migration; it reads `UserService._cache` directly "
     "and will break if the cache changes shape.",
     [], ["api/export.py"], "bug", ["users"], "agent", "crm-migration"),
    ("`Pool` is **not thread-safe**: the server must stay single-threaded (`HTTPServer`, not "
     "`ThreadingHTTPServer`) until `acquire()` takes a lock.",
     ["api/db.py::Pool.acquire"], [], "gotcha", ["concurrency"], "user", None),
    ("`Client.request` throws `ApiError` carrying the server's `error` message; UI code catches "
     "`ApiError`, never a bare `Error`.",
     ["web/src/api.ts::Client.request"], [], "convention", ["web"], "user", None),
    ("`Checkout.pay` posts the cart lines as they are; the server recomputes every total. Never "
     "trust amounts coming from the client.",
     ["web/src/components/Checkout.ts::Checkout.pay"], [], "decision", ["web", "billing"], "user", None),
    ("The session token lives in `localStorage` under `shop.token`; `signOut()` must remove it.",
     ["web/src/session.ts::Session"], [], "insight", ["web", "security"], "agent", "web-auth"),
    ("Run the API with `python -m api.server`. There is no auto-reload: restart it after every edit.",
     [], [], "insight", ["workflow"], "user", None),
    ("Python is formatted with `ruff format` (line length 100), TypeScript with prettier defaults. "
     "Formatting-only commits are fine: they never make a note stale.",
     [], [], "convention", ["workflow"], "user", None),
]


def add_notes(project) -> None:
    """NOTES, added in one batch (one `tether undo` removes them all)."""
    from tether.core.notes import Draft

    project.add_notes([Draft(text, symbols, files, kind, tags, source, session)
                       for text, symbols, files, kind, tags, source, session in NOTES])
