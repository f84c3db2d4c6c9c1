"""What a page must pass in a browser: axe-core, and the ui.md rules axe cannot see."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

from tests.e2e.support import WIDTHS

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
MIN_TARGET = 44
MIN_BODY_TEXT = 18

_axe = Axe()


def axe_violations(page) -> list[str]:
    results = _axe.run(page, options=AXE_OPTIONS)
    problems = []
    for violation in results.response["violations"]:
        for node in violation["nodes"]:
            problems.append(
                f"axe {violation['id']} ({violation['impact']}): {violation['help']}\n"
                f"    at {', '.join(map(str, node['target']))}: {node['html'][:200]}\n"
                f"    {node.get('failureSummary', '').replace(chr(10), ' ')}"
            )
    return problems


_TARGETS_JS = """(minimum) => {
  const squash = (text) => text.replace(/\\s+/g, " ").trim();
  const inRunningText = (link) => {
    const block = link.parentElement.closest("p, li, td, th, dd, dt, caption, h1, h2, h3, label, legend");
    return block !== null && squash(block.textContent) !== squash(link.textContent);
  };
  const shown = (el) => {
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    return style.display !== "none" && style.visibility !== "hidden" && box.width > 1 && box.height > 1;
  };
  const describe = (el) => el.outerHTML.replace(/\\s+/g, " ").slice(0, 140);
  const problems = [];
  for (const el of document.querySelectorAll("a[href], button, input:not([type=hidden]), select, textarea, summary")) {
    if (!shown(el)) continue;
    if (el.matches("a") && inRunningText(el)) continue;
    // A radio button or check box is operated through its label as well: the label is the target.
    const target = el.matches("input[type=radio], input[type=checkbox]") && el.labels.length ? el.labels[0] : el;
    const box = target.getBoundingClientRect();
    if (box.width < minimum - 0.5 || box.height < minimum - 0.5) {
      problems.push(`target ${Math.round(box.width)}x${Math.round(box.height)} px < ${minimum}: ${describe(target)}`);
    }
  }
  return problems;
}"""

_STRUCTURE_JS = """() => {
  const problems = [];
  const h1s = document.querySelectorAll("h1");
  if (h1s.length !== 1) problems.push(`${h1s.length} h1 elements instead of one`);
  for (const selector of ["body > header", "header nav", "body > main", "body > footer"]) {
    if (!document.querySelector(selector)) problems.push(`no ${selector} landmark`);
  }
  const nav = document.querySelector("header nav");
  if (nav && !nav.querySelector("a[href], button")) problems.push("the main menu is empty");
  const focusable = [...document.querySelectorAll("a[href], button, input:not([type=hidden]), select, textarea, [tabindex]")]
    .filter((el) => el.tabIndex >= 0 && !el.disabled);
  if (!focusable.length || !focusable[0].matches("a.skip-link[href='#main']")) {
    problems.push(`the first focusable element is not the skip link but ${focusable[0] && focusable[0].outerHTML.slice(0, 120)}`);
  }
  if (!document.getElementById("main")) problems.push("the skip link has no #main to go to");
  for (const svg of document.querySelectorAll("main svg:not([viewBox])")) {
    problems.push(`an SVG without viewBox is cut off instead of scaled when its box is smaller: ${svg.outerHTML.slice(0, 80)}`);
  }
  const status = document.querySelector("[role=status]#live-status, #live-status[aria-live]");
  if (!status) problems.push("no live status region present from page load");
  return problems;
}"""

_SMALL_TEXT_JS = """(minimum) => {
  const problems = [];
  const seen = new Set();
  const selector = "main p, main li, main dt, main dd, main label, main legend, main td, main th, main a, main button, main input:not([type=hidden], [type=radio], [type=checkbox]), main select, footer p, footer a";
  for (const el of document.querySelectorAll(selector)) {
    if (!el.textContent.trim() && !el.matches("input, select")) continue;
    if (el.closest(".visually-hidden")) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    const key = el.className + size;
    if (size < minimum - 0.01 && !seen.has(key)) {
      seen.add(key);
      problems.push(`text ${size}px < ${minimum}px: ${el.outerHTML.replace(/\\s+/g, " ").slice(0, 120)}`);
    }
  }
  return problems;
}"""

_FOCUS_STYLE_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const width = parseFloat(style.outlineWidth);
  const ring = style.outlineStyle !== "none" && width >= 2;
  return ring ? "" : `no visible focus ring (outline ${style.outlineStyle} ${style.outlineWidth}): ${el.outerHTML.slice(0, 120)}`;
}"""


def horizontal_scroll(page) -> list[str]:
    """ui.md 4: nothing scrolls sideways, neither the page nor a part of it (such as a wide table)."""
    problems = []
    widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    if widths[0] > widths[1]:
        wide = page.evaluate(
            """() => [...document.querySelectorAll('body *')]
                .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
                .slice(0, 5).map((el) => el.outerHTML.slice(0, 120))"""
        )
        problems += [f"the page scrolls sideways: {widths[0]} px of content in {widths[1]} px", *wide]
    problems += page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter((el) => ["auto", "scroll"].includes(getComputedStyle(el).overflowX) && el.scrollWidth > el.clientWidth + 1)
            .map((el) => `a part scrolls sideways (${el.scrollWidth} px in ${el.clientWidth} px): ${el.outerHTML.slice(0, 100)}`)"""
    )
    return problems


def small_targets(page) -> list[str]:
    return page.evaluate(_TARGETS_JS, MIN_TARGET)


def structure(page) -> list[str]:
    return page.evaluate(_STRUCTURE_JS)


def small_text(page) -> list[str]:
    return page.evaluate(_SMALL_TEXT_JS, MIN_BODY_TEXT)


def keyboard(page, stops: int = 8) -> list[str]:
    """Tab from the top: the skip link comes first and is seen, leads to main, and every stop shows a ring."""
    problems = []
    page.keyboard.press("Tab")
    skip = page.evaluate(
        """() => { const el = document.activeElement; const box = el.getBoundingClientRect();
                   return {skip: el.matches("a.skip-link"), top: box.top, bottom: box.bottom}; }"""
    )
    if not skip["skip"]:
        problems.append("the first Tab does not reach the skip link")
    elif skip["top"] < 0 or skip["bottom"] > page.viewport_size["height"]:
        problems.append("the focused skip link is outside the window")
    problems += [p for p in [page.evaluate(_FOCUS_STYLE_JS)] if p]
    for _ in range(stops - 1):
        page.keyboard.press("Tab")
        problem = page.evaluate(_FOCUS_STYLE_JS)
        if problem:
            problems.append(problem)
    return problems


def rejected_form(page) -> list[str]:
    """ui.md 8: the title says so, the summary has focus and links to fields that say what is wrong."""
    problems = []
    title = page.title()
    if not title.startswith(("Fout: ", "Error: ")):
        problems.append(f"the title of a rejected form does not start with 'Fout: ': {title!r}")
    problems += page.evaluate(
        """() => {
          const problems = [];
          const summary = document.querySelector("[data-error-summary]");
          if (!summary) return ["no error summary"];
          if (document.activeElement !== summary) {
            problems.push(`focus is on ${document.activeElement.outerHTML.slice(0, 80)}, not on the error summary`);
          }
          for (const link of summary.querySelectorAll("a[href^='#']")) {
            if (!document.getElementById(link.getAttribute("href").slice(1))) {
              problems.push(`the summary links to a missing field: ${link.getAttribute("href")}`);
            }
          }
          for (const field of document.querySelectorAll(".field--error")) {
            const marked = field.querySelector("[aria-invalid=true]");
            const group = field.querySelector("fieldset[aria-describedby]");
            if (!marked && !group) problems.push(`a field with an error is not marked: ${field.outerHTML.slice(0, 120)}`);
          }
          for (const el of document.querySelectorAll("[aria-describedby]")) {
            for (const id of el.getAttribute("aria-describedby").split(/\\s+/).filter(Boolean)) {
              if (!document.getElementById(id)) problems.push(`aria-describedby points at a missing #${id}`);
            }
          }
          return problems;
        }"""
    )
    return problems


def at_both_widths(page, *, rejected: bool = False, text: bool = True) -> list[str]:
    """Everything above that a page must pass, at 1280 and at 320 px; the window size is put back.

    `rejected`: the page shows a form sent back with errors. `text`: also check the body text
    size (pages with dense tables for staff may leave it out). Run with JavaScript on: axe is a
    script in the page.
    """

    before = page.viewport_size
    problems = rejected_form(page) if rejected else []
    problems += structure(page)
    for width, (viewport_width, viewport_height) in WIDTHS.items():
        page.set_viewport_size({"width": viewport_width, "height": viewport_height})
        found = axe_violations(page) + small_targets(page) + (small_text(page) if text else [])
        if width == "narrow":
            found += horizontal_scroll(page)
        problems += [f"[{viewport_width} px] {problem}" for problem in found]
    page.set_viewport_size(before)
    return problems
