"""Checks of an executed lesson notebook beyond "no cell failed", used by
kernel/run-notebooks:

  claims    every number a markdown cell states is printed by, or written
            in, the code cell next to it (the nearest code cell before or
            after), so text that contradicts its output fails the run;
  timing    a cell that runs longer than LONG_CELL seconds has "⏱ about N s"
            in the markdown right above it, and took between N/2 and 2N;
  figures   the named figures a lesson shows are exactly the ones
            `go run ./cmd/figures -list` exports for it, in that order, and
            every figure it shows is named.

Numbers that are not checked: those inside $…$ / $$…$$ math, `code` spans,
fenced code, link targets and HTML tags; integers 0–10 (ordinals, small
counts, list numbers); years 1950–2029; the "## References" cell; exercise
solutions. A stated number matches a printed one when the printed value,
rounded to the stated number's precision, equals it: "1.33" matches
"1.3302", "−184.8" matches "-184.8", "2e-6" matches "2.1e-06".
"""

import html
import math
import re

LONG_CELL = 15.0  # seconds; longer cells must say how long they take

MATH = re.compile(r"\$\$.*?\$\$|\$[^$\n]+\$", re.DOTALL)
FENCED = re.compile(r"```.*?```", re.DOTALL)
INLINE_CODE = re.compile(r"`[^`\n]*`")
LINK_TARGET = re.compile(r"\]\([^)]*\)")
HTML_TAG = re.compile(r"<[^>\n]*>")
NUMBER = re.compile(r"(?<![\w.])[-−]?\d+(?:\.\d+)?(?:[eE][-−+]?\d+)?(?![\w])")
TIMER = re.compile(r"⏱\s*(?:about|~|≈)?\s*(\d+(?:\.\d+)?)\s*(s|min)\b")
FIGURE_NAME = re.compile(r'data-figure="([^"]+)"')


def prose(text):
    """A markdown cell's text without math, code, link targets and tags."""
    for pat in (FENCED, MATH, INLINE_CODE, LINK_TARGET, HTML_TAG):
        text = pat.sub(" ", text)
    return text


def parse(token):
    return float(token.replace("−", "-"))


def checked(token):
    """Whether a number stated in prose is a claim to check."""
    v = parse(token)
    plain_int = re.fullmatch(r"[-−]?\d+", token) is not None
    if plain_int and abs(v) <= 10:
        return False
    if plain_int and len(token) == 4 and 1950 <= v <= 2029:
        return False
    return True


def precision(token):
    """Half a unit of the token's last digit."""
    t = token.replace("−", "-").lower()
    mant, _, exp = t.partition("e")
    decimals = len(mant.split(".")[1]) if "." in mant else 0
    return 0.5 * 10.0 ** (-decimals + (int(exp) if exp else 0))


def matches(token, candidates):
    v, half = parse(token), precision(token)
    for c in candidates:
        if abs(c - v) <= half * (1 + 1e-9) + 1e-12 * abs(v):
            return True
    return False


def cell_text(cell):
    """A code cell's source and its text outputs."""
    parts = [cell.get("source", "")]
    for o in cell.get("outputs", []):
        if o.get("output_type") == "stream":
            parts.append(o.get("text", ""))
        data = o.get("data", {})
        for mime in ("text/plain", "text/markdown"):
            if mime in data:
                parts.append(data[mime])
        if "text/html" in data and "<svg" not in data["text/html"]:
            parts.append(html.unescape(HTML_TAG.sub(" ", data["text/html"])))
    return "\n".join(parts)


def numbers_in(text):
    out = []
    for m in NUMBER.finditer(text):
        try:
            out.append(parse(m.group(0)))
        except ValueError:
            pass
    return out


def role(cell):
    return cell.get("metadata", {}).get("rlcontrol", {}).get("role", "")


def check_claims(cells, quick):
    """Returns a list of failures: markdown numbers no neighbour shows."""
    failures = []
    code_idx = [i for i, c in enumerate(cells) if c.cell_type == "code"]
    for i, c in enumerate(cells):
        if c.cell_type != "markdown" or role(c) == "solution":
            continue
        if c.source.lstrip().startswith("## References"):
            continue
        tokens = [m.group(0) for m in NUMBER.finditer(prose(c.source)) if checked(m.group(0))]
        tokens = [t for t in tokens if not TIMER.search(c.source) or not _is_timer_number(c.source, t)]
        if not tokens:
            continue
        before = [j for j in code_idx if j < i][-1:]
        after = [j for j in code_idx if j > i][:1]
        window = [cells[j] for j in before + after]
        texts = [cell_text(w) for w in window]
        if quick and any("quick mode" in t for t in texts):
            continue
        candidates = numbers_in("\n".join(texts))
        missing = sorted(set(t for t in tokens if not matches(t, candidates)), key=tokens.index)
        if missing:
            first = c.source.strip().splitlines()[0][:70]
            failures.append("markdown cell %d (%r) states %s, which neither code cell %s prints or contains"
                            % (i, first, ", ".join(missing), " nor ".join(str(j) for j in before + after) or "(none)"))
    return failures


def _is_timer_number(source, token):
    return any(m.group(1) == token for m in TIMER.finditer(source))


def seconds(cell):
    """How long an executed code cell ran, from nbclient's timing record."""
    ex = cell.get("metadata", {}).get("execution", {})
    a, b = ex.get("iopub.execute_input"), ex.get("shell.execute_reply")
    if not a or not b:
        return None
    from datetime import datetime
    fmt = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00"))
    return (fmt(b) - fmt(a)).total_seconds()


def check_timing(cells, times):
    """times: code cell index → seconds. Full mode only."""
    failures = []
    for i, t in times.items():
        above = cells[i - 1] if i > 0 and cells[i - 1].cell_type == "markdown" else None
        m = TIMER.search(above.source) if above is not None else None
        if m is None:
            if t > LONG_CELL:
                failures.append("code cell %d took %.0f s (> %.0f s) but the markdown above it does not say "
                                "\"⏱ about N s\"" % (i, t, LONG_CELL))
            continue
        stated = float(m.group(1)) * (60 if m.group(2) == "min" else 1)
        if not stated / 2 <= t <= 2 * stated:
            failures.append("code cell %d took %.0f s, but the markdown above it says ⏱ about %s %s"
                            % (i, t, m.group(1), m.group(2)))
    return failures


# The figure a live control panel leaves in its cell (package live): drawn
# for the controls' values, it is a result of the cell, not an exported
# figure, and carries data-values instead of a name.
LIVE_FINAL = re.compile(r'class="rlc-final"')


def figure_outputs(cells):
    """(names of named figures in order, count of unnamed figure outputs).
    Live panels' final figures count as neither."""
    names, unnamed = [], 0
    for c in cells:
        for o in c.get("outputs", []):
            data = o.get("data", {})
            h = data.get("text/html", "")
            if LIVE_FINAL.search(h):
                continue
            found = FIGURE_NAME.findall(h)
            names.extend(found)
            if not found and ("image/png" in data or "image/svg+xml" in data or "<svg" in h):
                unnamed += 1
    return names, unnamed


def check_figures(cells, expected):
    names, unnamed = figure_outputs(cells)
    failures = []
    if unnamed:
        failures.append("%d figure(s) shown without an export name (show figures with lessons.ShowFigure(s))" % unnamed)
    if names != expected:
        failures.append("shows figures %s, but make figures exports %s for it (in that order)" % (names, expected))
    return failures
