"""TypeScript fixture: exact symbol ids, kinds and raw edges; imports resolved to fixture files;
fingerprints that survive a prettier reformat and follow real token changes."""


import pytest

from tether.core.index.extract import extract
from tests.helpers import extract_fixture, fixture_imports, symbol_hashes

ROOT = "tests/fixtures/typescript"


def test_symbols_and_kinds():
    symbols, _ = extract_fixture(ROOT)
    assert symbols == {
        "src/core/repo.ts::MemoryRepo": "class",
        "src/core/repo.ts::MemoryRepo.validate": "method",
        "src/core/repo.ts::MemoryRepo.find": "method",
        "src/core/repo.ts::MemoryRepo.save": "method",
        "src/core/types.ts::Id": "type",
        "src/core/types.ts::Entity": "interface",
        "src/core/types.ts::Repository": "interface",
        "src/core/types.ts::Repository.find": "method",
        "src/core/types.ts::Repository.save": "method",
        "src/core/types.ts::Status": "enum",
        "src/index.ts::report": "function",
        "src/index.ts::main": "function",
        "src/services/users.ts::User": "interface",
        "src/services/users.ts::UserService": "class",
        "src/services/users.ts::UserService.validate": "method",
        "src/services/users.ts::UserService.rename": "method",
        "src/services/users.ts::UserService.rename#2": "method",
        "src/services/users.ts::UserService.rename#3": "method",
        "src/services/users.ts::UserService.onDisable": "method",
        "src/services/users.ts::NotFound": "class",
        "src/services/users.ts::Users": "namespace",
        "src/services/users.ts::Users.create": "function",
        "src/util/log.ts::Level": "type",
        "src/util/log.ts::log": "function",
        "src/util/log.ts::write": "function",
        "src/util/log.ts::write.stamp": "function",
    }


def test_edges():
    _, refs = extract_fixture(ROOT)
    assert refs == {
        ("src/core/repo.ts", "imports", "./types", False),
        ("src/core/repo.ts", "imports", "../util/log", False),
        ("src/core/repo.ts::MemoryRepo", "inherits", "Repository", False),
        ("src/core/repo.ts::MemoryRepo", "calls", "Map", False),
        ("src/core/repo.ts::MemoryRepo.find", "calls", "get", False),
        ("src/core/repo.ts::MemoryRepo.save", "calls", "validate", True),
        ("src/core/repo.ts::MemoryRepo.save", "calls", "Error", False),
        ("src/core/repo.ts::MemoryRepo.save", "calls", "set", False),
        ("src/core/repo.ts::MemoryRepo.save", "calls", "log", False),
        ("src/index.ts", "imports", "./services/users", False),
        ("src/index.ts", "imports", "./core/types", False),
        ("src/index.ts::main", "calls", "create", False),
        ("src/index.ts::main", "calls", "rename", False),
        ("src/index.ts::main", "calls", "trim", False),
        ("src/index.ts::main", "calls", "report", False),
        ("src/services/users.ts", "imports", "../core/repo.js", False),
        ("src/services/users.ts", "imports", "../core/types", False),
        ("src/services/users.ts", "imports", "../util/log", False),
        ("src/services/users.ts::User", "inherits", "Entity", False),
        ("src/services/users.ts::UserService", "inherits", "MemoryRepo", False),
        ("src/services/users.ts::UserService.rename#3", "calls", "find", True),
        ("src/services/users.ts::UserService.rename#3", "calls", "NotFound", False),
        ("src/services/users.ts::UserService.rename#3", "calls", "String", False),
        ("src/services/users.ts::UserService.rename#3", "calls", "save", True),
        ("src/services/users.ts::UserService.onDisable", "calls", "log", False),
        ("src/services/users.ts::NotFound", "inherits", "Error", False),
        ("src/services/users.ts::Users.create", "calls", "UserService", False),
        ("src/util/log.ts::log", "calls", "write", False),
        ("src/util/log.ts::log", "calls", "map", False),
        ("src/util/log.ts::log", "calls", "join", False),
        ("src/util/log.ts::write", "calls", "log", False),
        ("src/util/log.ts::write", "calls", "stamp", False),
        ("src/util/log.ts::write.stamp", "calls", "Date", False),
        ("src/util/log.ts::write.stamp", "calls", "toISOString", False),
    }


def test_bindings_and_import_resolution():
    bindings, resolved = fixture_imports(ROOT)
    assert bindings == {
        ("src/core/repo.ts", "Entity", "./types"),
        ("src/core/repo.ts", "Id", "./types"),
        ("src/core/repo.ts", "Repository", "./types"),
        ("src/core/repo.ts", "log", "../util/log"),
        ("src/index.ts", "Users", "./services/users"),
        ("src/services/users.ts", "MemoryRepo", "../core/repo.js"),
        ("src/services/users.ts", "Entity", "../core/types"),
        ("src/services/users.ts", "Status", "../core/types"),
        ("src/services/users.ts", "logging", "../util/log"),
    }
    assert resolved == {
        ("src/core/repo.ts", "./types"): "src/core/types.ts",
        ("src/core/repo.ts", "../util/log"): "src/util/log.ts",
        ("src/index.ts", "./services/users"): "src/services/users.ts",
        ("src/index.ts", "./core/types"): "src/core/types.ts",
        ("src/services/users.ts", "../core/repo.js"): "src/core/repo.ts",  # ESM names the emitted file
        ("src/services/users.ts", "../core/types"): "src/core/types.ts",
        ("src/services/users.ts", "../util/log"): "src/util/log.ts",
    }


ORIGINAL = """\
import type {Id, Entity} from './types'
import {log} from "../util/log"

export interface Repository<T extends Entity> { find(id: Id): T | undefined, save(item: T): void }

export type Listener<T> = ((item: T) => void) | null

export enum Status { Active = 'active', Disabled = 'disabled', }

export abstract class BaseRepo<T extends Entity> implements Repository<T> {
    protected items = new Map<Id, T>()
    private listeners: Array<(Listener<T>)> = []

    abstract validate(item: T): boolean

    find(id: Id): T | undefined;
    find(id: Id, fallback: T): T;
    find(id: Id, fallback?: T) { return this.items.get(id) ?? fallback }

    save(item: T): void {
        if (!this.validate(item)) throw new Error(`invalid ${ item.id }`)
        this.items.set(item.id, item)
        this.listeners.forEach(l => l?.(item))
    }

    onSave = (listener: Listener<T>) => { this.listeners.push(listener) }
}

export namespace Repos {
    export function count<T extends Entity>(repo: BaseRepo<T>, status: Status = Status.Active): number {
        return [...repo['items'].values()].filter((e: any) => (e.status === status)).length
    }
}

export function parse(raw: string): Id
export function parse(raw: number): Id
export function parse(raw: string | number): Id { return (String(raw) as Id) }
"""

# prettier 3 output for ORIGINAL, then comments and JSDoc added.
PRETTIER = """\
import type { Id, Entity } from "./types";
import { log } from "../util/log";

/** Where entities live. */
export interface Repository<T extends Entity> {
  find(id: Id): T | undefined; // undefined when missing
  save(item: T): void;
}

export type Listener<T> = ((item: T) => void) | null;

export enum Status {
  Active = "active",
  /** Kept, but hidden. */
  Disabled = "disabled",
}

export abstract class BaseRepo<T extends Entity> implements Repository<T> {
  protected items = new Map<Id, T>();
  private listeners: Array<Listener<T>> = [];

  abstract validate(item: T): boolean;

  find(id: Id): T | undefined;
  find(id: Id, fallback: T): T;
  find(id: Id, fallback?: T) {
    return this.items.get(id) ?? fallback;
  }

  /**
   * Validates, stores, notifies.
   * @throws Error when invalid
   */
  save(item: T): void {
    if (!this.validate(item)) throw new Error(`invalid ${item.id}`);
    this.items.set(item.id, item);
    this.listeners.forEach((l) => l?.(item));
  }

  onSave = (listener: Listener<T>) => {
    this.listeners.push(listener);
  };
}

export namespace Repos {
  export function count<T extends Entity>(
    repo: BaseRepo<T>,
    status: Status = Status.Active,
  ): number {
    return [...repo["items"].values()].filter((e: any) => e.status === status)
      .length;
  }
}

export function parse(raw: string): Id;
export function parse(raw: number): Id;
export function parse(raw: string | number): Id {
  return String(raw) as Id;
}
"""


def _hashes(source: str) -> dict[str, tuple[str, str]]:
    return symbol_hashes("repo.ts", source)


def test_prettier_reformat_keeps_fingerprints():
    before, after = _hashes(ORIGINAL), _hashes(PRETTIER)
    assert set(before) == {f"repo.ts::{n}" for n in (
        "Repository", "Repository.find", "Repository.save", "Listener", "Status", "BaseRepo",
        "BaseRepo.validate", "BaseRepo.find", "BaseRepo.find#2", "BaseRepo.find#3", "BaseRepo.save",
        "BaseRepo.onSave", "Repos", "Repos.count", "parse", "parse#2", "parse#3")}
    assert after == before
    assert extract("repo.ts", PRETTIER.encode()).code_hash == extract("repo.ts", ORIGINAL.encode()).code_hash


@pytest.mark.parametrize("old, new, symbol, signature", [
    ("'disabled',", "'off',", "Status", False),  # enum value: the body
    ("new Map<Id, T>()", "new Map<string, T>()", "BaseRepo", False),  # field of the class itself
    ("?? fallback", "|| fallback", "BaseRepo.find#3", False),
    ("throw new Error", "throw new TypeError", "BaseRepo.save", False),
    ("l => l?.(item)", "l => l?.(item, this)", "BaseRepo.save", False),
    ("this.listeners.push(listener)", "this.listeners.unshift(listener)", "BaseRepo.onSave", False),
    ("(e.status === status)", "(e.status !== status)", "Repos.count", False),
    ("(String(raw) as Id)", "(String(raw) as unknown as Id)", "parse#3", False),
    ("find(id: Id): T | undefined,", "find(id: Id): T | null,", "Repository.find", True),
    ("(item: T) => void) | null", "(item: T) => void) | undefined", "Listener", True),
    ("abstract validate(item: T): boolean", "abstract validate(item: T): unknown", "BaseRepo.validate", True),
    ("find(id: Id, fallback: T): T;", "find(id: Id, fallback: T): T | null;", "BaseRepo.find#2", True),
    ("status: Status = Status.Active", "status: Status = Status.Disabled", "Repos.count", True),
    ("parse(raw: number): Id", "parse(raw: bigint): Id", "parse#2", True),
    ("implements Repository<T>", "implements Repository<T>, Iterable<T>", "BaseRepo", True),
])
def test_token_change_changes_only_its_symbol(old, new, symbol, signature):
    assert ORIGINAL.count(old) == 1
    before, after = _hashes(ORIGINAL), _hashes(ORIGINAL.replace(old, new))
    assert set(after) == set(before)
    assert {k for k in before if after[k][0] != before[k][0]} == {f"repo.ts::{symbol}"}
    assert {k for k in before if after[k][1] != before[k][1]} == ({f"repo.ts::{symbol}"} if signature else set())
