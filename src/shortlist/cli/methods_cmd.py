"""``shortlist methods``: every counting method with its switches and defaults."""

from __future__ import annotations

import json
from typing import Any

import click


def describe_methods() -> list[dict[str, Any]]:
    """Every registered method as data: name, summary, switches (name, default, choices, doc)."""
    from shortlist.methods import registry

    out = []
    for method in registry.all_methods():
        switches = []
        for f in method.rules_type.switches():
            default = f.default
            switches.append(
                {
                    "name": f.name,
                    "default": _plain(default),
                    "choices": list(f.metadata.get("choices") or ()),
                    "doc": f.metadata.get("doc", ""),
                }
            )
        out.append({"name": method.name, "summary": method.summary, "switches": switches})
    return out


def _plain(v: Any) -> Any:
    if isinstance(v, tuple):
        return list(v)
    if v is None or isinstance(v, (bool, int, str)):
        return v
    return str(v)


@click.command()
@click.argument("name", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def methods(name: str | None, fmt: str) -> None:
    """List every counting method with its switches and their defaults.

    With NAME, only that method. Set a switch when counting with
    `shortlist tabulate FILE --method NAME --set SWITCH=VALUE`.
    """
    from shortlist.methods import registry

    described = describe_methods()
    if name is not None:
        registry.get(name)  # a clear error for an unknown name
        described = [m for m in described if m["name"] == name]
    if fmt == "json":
        click.echo(json.dumps(described, indent=2))
        return
    for m in described:
        click.echo(f"{m['name']}\n  {m['summary']}")
        for s in m["switches"]:
            default = s["default"]
            shown = ",".join(default) if isinstance(default, list) else default
            choices = f" [{' | '.join(s['choices'])}]" if s["choices"] else ""
            click.echo(f"    {s['name']} = {shown}{choices}\n        {s['doc']}")
        click.echo()
