"""TSX fixture: exact symbol ids, kinds and raw edges (JSX components as calls); imports resolved to
fixture files; fingerprints that survive a prettier reformat and follow real token changes."""


import pytest

from tether.core.index.extract import extract
from tether.core.index.languages import TSX, TYPESCRIPT
from tests.helpers import extract_fixture, fixture_imports, symbol_hashes

ROOT = "tests/fixtures/tsx"


def test_tsx_query_is_typescript_plus_jsx():
    def body(spec) -> str:
        lines = spec.query_source.splitlines()
        while lines and lines[0].startswith(";"):
            lines.pop(0)  # the header comment
        return "\n".join(lines)

    assert body(TSX).startswith(body(TYPESCRIPT))


def test_symbols_and_kinds():
    symbols, _ = extract_fixture(ROOT)
    assert symbols == {
        "src/App.tsx::App": "function",
        "src/App.tsx::App.Header": "function",
        "src/components/Button.tsx::ButtonProps": "interface",
        "src/components/Button.tsx::ButtonProps.onClick": "method",
        "src/components/Button.tsx::Button": "function",
        "src/components/Counter.tsx::CounterState": "type",
        "src/components/Counter.tsx::Counter": "class",
        "src/components/Counter.tsx::Counter.count": "method",
        "src/components/Counter.tsx::Counter.count#2": "method",
        "src/components/Counter.tsx::Counter.increment": "method",
        "src/components/Counter.tsx::Counter.render": "method",
        "src/hooks/useCount.tsx::useCount": "function",
        "src/hooks/useCount.tsx::formatCount": "function",
        "src/hooks/useCount.tsx::CountBadge": "function",
    }


def test_edges():
    _, refs = extract_fixture(ROOT)
    assert refs == {
        ("src/App.tsx", "imports", "react", False),
        ("src/App.tsx", "imports", "./components/Counter", False),
        ("src/App.tsx", "imports", "./components/Button", False),
        ("src/App.tsx", "imports", "./hooks/useCount", False),
        ("src/App.tsx::App", "calls", "useCount", False),
        ("src/App.tsx::App", "calls", "Header", False),
        ("src/App.tsx::App", "calls", "Counter", False),
        ("src/App.tsx::App", "calls", "Button", False),
        ("src/App.tsx::App", "calls", "Suspense", False),
        ("src/components/Button.tsx", "imports", "react", False),
        ("src/components/Counter.tsx", "imports", "react", False),
        ("src/components/Counter.tsx", "imports", "./Button", False),
        ("src/components/Counter.tsx", "imports", "../hooks/useCount", False),
        ("src/components/Counter.tsx::Counter", "inherits", "Component", False),
        ("src/components/Counter.tsx::Counter.count#2", "calls", "setState", True),
        ("src/components/Counter.tsx::Counter.render", "calls", "Button", False),
        ("src/components/Counter.tsx::Counter.render", "calls", "formatCount", False),
        ("src/hooks/useCount.tsx", "imports", "react", False),
        ("src/hooks/useCount.tsx::useCount", "calls", "useState", False),
        ("src/hooks/useCount.tsx::useCount", "calls", "setCount", False),
        ("src/hooks/useCount.tsx::formatCount", "calls", "toLocaleString", False),
        ("src/hooks/useCount.tsx::CountBadge", "calls", "formatCount", False),
    }


def test_bindings_and_import_resolution():
    bindings, resolved = fixture_imports(ROOT)
    assert bindings == {
        ("src/App.tsx", "React", "react"),
        ("src/App.tsx", "Counter", "./components/Counter"),
        ("src/App.tsx", "Button", "./components/Button"),
        ("src/App.tsx", "useCount", "./hooks/useCount"),
        ("src/components/Button.tsx", "React", "react"),
        ("src/components/Counter.tsx", "Component", "react"),
        ("src/components/Counter.tsx", "Button", "./Button"),
        ("src/components/Counter.tsx", "formatCount", "../hooks/useCount"),
        ("src/hooks/useCount.tsx", "useState", "react"),
    }
    assert resolved == {
        ("src/App.tsx", "react"): None,
        ("src/App.tsx", "./components/Counter"): "src/components/Counter.tsx",
        ("src/App.tsx", "./components/Button"): "src/components/Button.tsx",
        ("src/App.tsx", "./hooks/useCount"): "src/hooks/useCount.tsx",
        ("src/components/Button.tsx", "react"): None,
        ("src/components/Counter.tsx", "react"): None,
        ("src/components/Counter.tsx", "./Button"): "src/components/Button.tsx",
        ("src/components/Counter.tsx", "../hooks/useCount"): "src/hooks/useCount.tsx",
        ("src/hooks/useCount.tsx", "react"): None,
    }


ORIGINAL = """\
import React, {useState} from 'react'
import {Button} from './Button'

interface PanelProps { title: string; items: string[]; onPick?: (item: string) => void }

export function Panel({title, items, onPick}: PanelProps) {
    const [open, setOpen] = useState<boolean>(false)
    const toggle = () => setOpen(o => !o)
    function renderItem(item: string, i: number) {
        return <li key={i} className='item' onClick={() => onPick?.(item)}>{item.toUpperCase()}</li>
    }
    return <section className="panel"><h2 onClick={toggle}>{title} {open ? '-' : '+'}</h2>{open && <ul>{items.map(renderItem)}</ul>}<Button label='Close' onClick={() => setOpen(false)} /></section>
}

export class Counter extends React.Component<{start: number}, {count: number}> {
    state = {count: this.props.start}
    increment = () => this.setState(s => ({count: s.count + 1}))
    render() { return <Button label={`Count: ${ this.state.count }`} onClick={this.increment}/> }
}
"""

# prettier 3 output for ORIGINAL (multi-line JSX gains parentheses), then comments and JSDoc added.
PRETTIER = """\
import React, { useState } from "react";
import { Button } from "./Button";

/** What a panel shows. */
interface PanelProps {
  title: string;
  items: string[];
  onPick?: (item: string) => void; // called on click
}

export function Panel({ title, items, onPick }: PanelProps) {
  const [open, setOpen] = useState<boolean>(false);
  const toggle = () => setOpen((o) => !o);
  function renderItem(item: string, i: number) {
    return (
      <li key={i} className="item" onClick={() => onPick?.(item)}>
        {item.toUpperCase()}
      </li>
    );
  }
  return (
    <section className="panel">
      <h2 onClick={toggle}>
        {title} {open ? "-" : "+"}
      </h2>
      {open && <ul>{items.map(renderItem)}</ul>}
      <Button label="Close" onClick={() => setOpen(false)} />
    </section>
  );
}

/**
 * Counts clicks.
 */
export class Counter extends React.Component<
  { start: number },
  { count: number }
> {
  state = { count: this.props.start };
  increment = () => this.setState((s) => ({ count: s.count + 1 }));
  render() {
    return (
      <Button label={`Count: ${this.state.count}`} onClick={this.increment} />
    );
  }
}
"""


def _hashes(source: str) -> dict[str, tuple[str, str]]:
    return symbol_hashes("panel.tsx", source)


def test_prettier_reformat_keeps_fingerprints():
    before, after = _hashes(ORIGINAL), _hashes(PRETTIER)
    assert set(before) == {f"panel.tsx::{n}" for n in (
        "PanelProps", "Panel", "Panel.toggle", "Panel.renderItem", "Counter", "Counter.increment",
        "Counter.render")}
    assert after == before
    assert extract("panel.tsx", PRETTIER.encode()).code_hash == extract("panel.tsx", ORIGINAL.encode()).code_hash


# A change inside a nested function is also a change of the function around it.
@pytest.mark.parametrize("old, new, symbols, signature", [
    ("useState<boolean>(false)", "useState<boolean>(true)", {"Panel"}, False),
    ("setOpen(o => !o)", "setOpen(o => o)", {"Panel", "Panel.toggle"}, False),
    ("className='item'", "className='row'", {"Panel", "Panel.renderItem"}, False),
    ("<li key={i}", "<li key={item}", {"Panel", "Panel.renderItem"}, False),
    ("{open ? '-' : '+'}", "{open ? '+' : '-'}", {"Panel"}, False),
    ("{title} {open", "{title}{open", {"Panel"}, False),  # JSX text is rendered
    ("<Button label='Close'", "<Button label='Close' disabled", {"Panel"}, False),
    ("onPick?: (item: string) => void", "onPick?: (item: number) => void", {"PanelProps"}, False),
    ("s.count + 1", "s.count + 2", {"Counter.increment"}, False),
    ("`Count: ${", "`Count:  ${", {"Counter.render"}, False),
    ("{start: number}", "{start?: number}", {"Counter"}, True),
    ("({title, items, onPick}: PanelProps)", "({title, items}: PanelProps)", {"Panel"}, True),
])
def test_token_change_changes_only_its_symbol(old, new, symbols, signature):
    assert ORIGINAL.count(old) == 1
    before, after = _hashes(ORIGINAL), _hashes(ORIGINAL.replace(old, new))
    expected = {f"panel.tsx::{s}" for s in symbols}
    assert set(after) == set(before)
    assert {k for k in before if after[k][0] != before[k][0]} == expected
    assert {k for k in before if after[k][1] != before[k][1]} == (expected if signature else set())
