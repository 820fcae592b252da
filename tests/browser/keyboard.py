"""Driving pages by keyboard only: Tab until a control has the focus, then Space or Enter.

No mouse event is ever sent. :func:`tab_to` fails listing the controls the focus passed through
when the one wanted cannot be reached by Tab (a keyboard trap, or a control out of the tab order).
"""

from __future__ import annotations

from playwright.sync_api import Page

MAX_TABS = 120

_FOCUSED = r"""(selector) => {
  const e = document.activeElement;
  if (!e || e === document.body) return [false, 'body'];
  const text = e.innerText || e.value || e.getAttribute('aria-label') || '';
  const label = (e.id ? '#' + e.id : e.tagName.toLowerCase()) + ' ' +
                text.replace(/\s+/g, ' ').trim().slice(0, 40);
  return [e.matches(selector), label];
}"""


def focused_matches(page: Page, selector: str) -> tuple[bool, str]:
    hit, label = page.evaluate(_FOCUSED, selector)
    return bool(hit), str(label)


def tab_to(page: Page, selector: str) -> None:
    """Press Tab until the focused element matches ``selector`` (it may already)."""
    passed: list[str] = []
    for _ in range(MAX_TABS):
        hit, label = focused_matches(page, selector)
        if hit:
            return
        passed.append(label)
        page.keyboard.press("Tab")
    raise AssertionError(
        f"{selector} never got the focus after {MAX_TABS} Tabs; the focus went through: "
        + " | ".join(dict.fromkeys(passed))
    )


def activate(page: Page, selector: str, key: str = "Enter") -> None:
    """Tab to ``selector`` and press ``key`` (Enter or Space), waiting for the page it loads."""
    tab_to(page, selector)
    with page.expect_navigation():
        page.keyboard.press(key)
