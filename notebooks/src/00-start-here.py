"""Start here — the landing notebook. Builds notebooks/00-start-here.ipynb."""
from nbgen import code, md, write

md(r"""
# Start here: deep RL and control in Go notebooks

This lab teaches one lecture of deep reinforcement learning and control — learning local dynamics models, iLQR
with learned models, KL-constrained trajectory optimisation, TRPO, imitating optimal controllers (DAgger, guided
policy search, PLATO) and Embed to Control — in seven notebooks of Go cells that call a tested Go library.

This page, run from the top (*Cell → Run All*), shows

1. the lessons: what each one teaches, its live controls, and how long it takes;
2. how to run a lesson;
3. how to export figures for slides, with a demo;
4. where the library's code is on this machine, so you can read it.
""")

code(r"""
import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/rlcontrol/rlcontrol/lessons"
	"github.com/rlcontrol/rlcontrol/plotting"
)

// must returns v, or stops the cell with err's message; check stops it on
// an error.
func must[T any](v T, err error) T { lessons.Check(err); return v }
func check(err error)              { lessons.Check(err) }
""")

md(r"""
## 1. The lessons

Click a lesson to open it in a new tab (or open it from the Jupyter file list). **Live controls** are the settings a
lesson puts on sliders above one of its figures, and where in the lesson they are (hover over one for its slider's
label). **Full run** and
**quick** are how long *Run All* took for the whole notebook — kernel start and compilation included — in full and in
quick mode, on a 2-core machine (lessons 01–07 in a `make test` run, this page in runs of its own). The table is
`lessons.Catalog()`, which `go test ./lessons` checks against the notebooks (titles, controls) and against the README's
table of lessons (times). Quick mode shortens only what a lesson computes live; kernel start and compilation are the
same in both modes, and the machine was not idle, so a quick run can take as long as a full one.
""")

code(r"""
%%
lessons.ShowCatalog()
""")

md(r"""
## 2. Running a lesson

* **Run All** (*Cell → Run All*) runs a lesson from the top; *Shift-Enter* runs one cell. Each cell compiles and runs a
  small Go program, so even a cell that computes little takes a few seconds. Run the first cell (the imports) before any
  other: later cells use what earlier ones declared.
* **Quick mode.** Run a cell with `%env RLCONTROL_QUICK=1` before *Run All* to shorten what a lesson trains or sweeps live
  (outputs and figures made that way say "quick mode"); `%env RLCONTROL_QUICK=0` switches back. Runs too long for a class
  are stored full runs that the lessons load and say so; `%env RLCONTROL_RECOMPUTE=1` recomputes them.
* **Live controls.** A cell with sliders keeps running while you move them and redraws its figure in place. *Run All*
  waits at that cell: press **Done** to keep the last figure and let the following cells run.
* **Exercises** have a cell to edit and a check cell that prints ✓ or ✗; the solution is hidden under
  *Solution (click to show)*.
* **Stuck?** *Kernel → Interrupt* stops a running cell. *Kernel → Restart & Clear Output* starts afresh: everything declared
  and every `%env` setting is gone, so run the lesson again from the top. Edits to the library (`rl/…`) need no restart:
  the next cell run compiles them.
* *Tab* completes a name in a cell and *Shift-Tab* shows its documentation (the first time in a fresh kernel takes a while).
""")

md(r"""
## 3. Exporting figures for slides

Every figure a lesson shows has its export name in small print under it (e.g. `01-swingup-states`).

* **All lessons at once**, from a terminal in the checkout (its folder is printed in section 4): `make figures` writes
  every lesson's figures into `figures/`, as SVG and PDF at slide size, named by lesson and figure, from the same
  scenarios and settings as the cells. `go run ./cmd/figures -list` names them without running anything;
  `-lessons 01,03` picks lessons, `-quick` uses quick mode, and `-style paper -formats svg,pdf,png` chooses the preset
  and formats.
* **From a cell**: a lesson's scenario returns its figures by name (`Figures()`), and a figure saves itself in the
  format its file name's extension says — `.svg`, `.pdf` or `.png` —, restyled first if you like:
  `nf.Figure.WithStyle(plotting.Slide).Save("figures/x.pdf")`. `plotting.Slide` is a widescreen slide with large fonts
  and thick lines (a full-HD PNG), `plotting.Paper` a journal column. The write is atomic, and a bad path is an error
  that names it. Animations save as SVG (`nf.Animation.Save("x.svg")`), which plays in a browser.

The next cell does this for this page's one figure, the lesson times of section 1: it restyles it for a slide and
shows it, writes it in the three formats into a temporary folder, prints what it wrote, and checks that the SVG file is
exactly the figure shown. The folder is deleted when the cell ends: to keep your files, save them into a folder of
your own.
""")

code(r"""
%%
out := must(lessons.LessonTimes{}.Run())
figs, err := out.Figures()
nf := lessons.PickFigure(figs, err, "00-lesson-times")
slide := nf.Figure.WithStyle(plotting.Slide)
lessons.ShowFigure(lessons.NamedFigure{Name: nf.Name, Figure: slide})

dir := must(os.MkdirTemp("", "rlcontrol-export-"))
defer os.RemoveAll(dir)
fmt.Println("exported into", dir)
for _, ext := range []string{"svg", "pdf", "png"} {
	path := filepath.Join(dir, nf.Name+"."+ext)
	check(slide.Save(path))
	fmt.Printf("  %-22s %8d bytes\n", filepath.Base(path), must(os.Stat(path)).Size())
}
svg := must(os.ReadFile(filepath.Join(dir, nf.Name+".svg")))
lessons.Assert(bytes.Equal(svg, must(slide.Render(plotting.SVG))), "the SVG file is the figure shown above")
fmt.Println("the SVG file is the figure shown above, byte for byte")
fmt.Println("saving into a folder that does not exist:", slide.Save("/no/such/folder/x.pdf"))
""")

md(r"""
## 4. Where the code is

The notebooks are thin: the code that runs is the library in this checkout, and each notebook's Go workspace points at
it, so a cell compiles the files on disk (an edit shows up at the next cell run). The next cell finds the checkout
from the code it was compiled from, lists the library's packages with their folders, and prints the API of one of them
with `go doc`, as you would in a terminal there (`go doc ./rl/lqr Solve` for one name; the doc comments carry the
lecture's equations). Each package's tests are next to it (`go test ./rl/...`); the README in the checkout describes
the rest.
""")

code(r"""
%%
root := must(lessons.Checkout())
fmt.Println("the checkout:", root)
for _, p := range lessons.Packages() {
	dir := filepath.Join(root, p.Dir)
	lessons.Assert(must(os.Stat(dir)).IsDir(), "%s is a folder", dir)
	fmt.Printf("  %-16s %s\n", p.Dir+"/", p.About)
}
doc := exec.Command("go", "doc", "-short", "./rl/lqr")
doc.Dir = root
api, err := doc.CombinedOutput()
if err != nil {
	check(fmt.Errorf("go doc: %w\n%s", err, api))
}
fmt.Printf("\n$ cd %s && go doc -short ./rl/lqr\n%s", root, api)
""")

md(r"""
Next: [lesson 01, iLQR, the recap](01-ilqr-recap.ipynb).
""")

write(__file__)
