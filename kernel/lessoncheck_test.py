"""Unit tests of kernel/lessoncheck.py (run by kernel/selftest.sh)."""
import os
import sys
import unittest

import nbformat

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lessoncheck as L  # noqa: E402


def md(s, **meta):
    c = nbformat.v4.new_markdown_cell(s)
    if meta:
        c.metadata["rlcontrol"] = meta
    return c


def code(src, out="", html=None):
    c = nbformat.v4.new_code_cell(src)
    c.outputs = [nbformat.v4.new_output("stream", name="stdout", text=out)]
    if html is not None:
        c.outputs.append(nbformat.v4.new_output("display_data", data={"text/html": html}))
    return c


class Claims(unittest.TestCase):
    def test_match_rounding(self):
        self.assertTrue(L.matches("1.33", [1.3302]))
        self.assertTrue(L.matches("−184.8", [-184.8]))
        self.assertTrue(L.matches("32", [31.6]))
        self.assertTrue(L.matches("2e-6", [2.1e-6]))
        self.assertFalse(L.matches("0.0418", [0.0419]))
        self.assertFalse(L.matches("184.8", [-184.8]))

    def test_exempt(self):
        for t in ("7", "0", "−3", "2012"):
            self.assertFalse(L.checked(t), t)
        for t in ("11", "0.3", "1e-8", "3000"):
            self.assertTrue(L.checked(t), t)

    def test_prose_strips_math_and_code(self):
        got = [m.group(0) for m in L.NUMBER.finditer(L.prose(
            "cost 66.5, $K = 1.5$, `--T=100`, [link](http://x/2019.99) <b>77.7</b> x1 T300 and −3.25"))]
        self.assertEqual(got, ["66.5", "77.7", "−3.25"])

    def test_neighbours(self):
        cells = [code("", "cost 66.512"), md("The cost is 66.5 and the error 0.16 m."), md("## next"),
                 code("x := 0.16", "")]
        # 0.16 is in the next code cell's source; 66.5 in the previous output.
        self.assertEqual(L.check_claims(cells, quick=False), [])
        cells[0] = code("", "cost 77.1")
        fails = L.check_claims(cells, quick=False)
        self.assertEqual(len(fails), 1)
        self.assertIn("66.5", fails[0])
        cells[0] = code("", "[quick mode: shortened] cost 77.1")
        self.assertEqual(L.check_claims(cells, quick=True), [])
        self.assertEqual(len(L.check_claims(cells, quick=False)), 1)

    def test_references_and_solutions_skipped(self):
        cells = [md("## References\n\nTassa et al., IROS 2012, pp. 4906–4913."),
                 md("x = 123.4", role="solution", code="x := 123.4"), code("", "")]
        self.assertEqual(L.check_claims(cells, quick=False), [])


class Timing(unittest.TestCase):
    def test_long_cell_needs_timer(self):
        cells = [md("text"), code("", "")]
        self.assertEqual(len(L.check_timing(cells, {1: 20.0})), 1)
        self.assertEqual(L.check_timing(cells, {1: 10.0}), [])
        cells[0] = md("⏱ about 30 s")
        self.assertEqual(L.check_timing(cells, {1: 20.0}), [])
        self.assertEqual(len(L.check_timing(cells, {1: 70.0})), 1)
        self.assertEqual(len(L.check_timing(cells, {1: 10.0})), 1)
        cells[0] = md("⏱ about 2 min")
        self.assertEqual(L.check_timing(cells, {1: 100.0}), [])


class Figures(unittest.TestCase):
    def test_names(self):
        fig = '<figure data-figure="%s"><svg></svg></figure>'
        cells = [code("", "", fig % "01-a"), code("", "", fig % "01-b")]
        self.assertEqual(L.check_figures(cells, ["01-a", "01-b"]), [])
        self.assertEqual(len(L.check_figures(cells, ["01-b", "01-a"])), 1)
        live = '<div class="rlc-final" data-values="T=300 r=0.01"><svg></svg></div>'
        cells.append(code("", "", live))
        self.assertEqual(L.check_figures(cells, ["01-a", "01-b"]), [])
        cells.append(code("", "", "<svg></svg>"))
        self.assertIn("without an export name", L.check_figures(cells, ["01-a", "01-b"])[0])


if __name__ == "__main__":
    unittest.main()
