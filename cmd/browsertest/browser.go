package main

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// pageJS installs the page helpers (window.__bt); see page.js.
//
//go:embed page.js
var pageJS string

// pageDebug is JavaScript run before every poll (-v: GoNB's comms debug log).
var pageDebug = "0"

// Kinds of failures, so that the self-check can tell a missing figure
// from, say, a kernel that died.
const (
	kindOpen      = "open"      // the page or kernel did not come up
	kindTimeout   = "timeout"   // the run did not finish in time
	kindKernel    = "kernel"    // the kernel died or restarted
	kindRun       = "run"       // a cell has no execution count
	kindError     = "error"     // an error output or an erroring stderr
	kindFigures   = "figures"   // wrong number of figures
	kindPanels    = "panels"    // wrong number of live control panels
	kindLeftover  = "leftover"  // a transient control output after Done
	kindSlider    = "slider"    // moving a slider did not redraw
	kindInterrupt = "interrupt" // interrupting did not work
)

// failure is one failed check of a notebook.
type failure struct {
	Kind string
	Msg  string
}

// result is what one notebook run found.
type result struct {
	Name       string
	Elapsed    time.Duration
	Figures    int
	Panels     int
	Failures   []failure
	Screenshot string
	Notes      []string // things worth printing that are not failures
}

func (r *result) fail(kind, format string, args ...any) {
	r.Failures = append(r.Failures, failure{kind, fmt.Sprintf(format, args...)})
}

// kinds returns the distinct failure kinds, in order of first occurrence.
func (r *result) kinds() []string {
	var ks []string
	for _, f := range r.Failures {
		if !strings.Contains(strings.Join(ks, ","), f.Kind) {
			ks = append(ks, f.Kind)
		}
	}
	return ks
}

// stderrFailure matches stderr text that means a cell failed: a Go panic,
// a runtime fatal error, a non-zero exit status (GoNB prints it after a
// failed program or shell command), or an error message. Harmless
// warnings on stderr pass.
var stderrFailure = regexp.MustCompile(`(?m)^(panic: |fatal error: |exit status [1-9])|\berror:|\bError\b|\bERROR\b`)

// pollState is the answer of window.__bt.poll.
type pollState struct {
	Idle     bool `json:"idle"`
	Running  int  `json:"running"`
	Current  int  `json:"current"`
	Unrun    int  `json:"unrun"`
	Dead     int  `json:"dead"`
	Restarts int  `json:"restarts"`
	Panels   int  `json:"panels"`
	Clicked  int  `json:"clicked"`
	Clicks   int  `json:"clicks"`
}

// cellReport is one code cell in the answer of window.__bt.report.
type cellReport struct {
	Index     int      `json:"index"`
	First     string   `json:"first"`
	Prompt    string   `json:"prompt"`
	Errors    []string `json:"errors"`
	Stderr    []string `json:"stderr"`
	Text      string   `json:"text"`
	Figures   int      `json:"figures"`
	Finals    []string `json:"finals"`
	Leftovers int      `json:"leftovers"`
	Panel     bool     `json:"panel"`
}

func (c cellReport) String() string {
	return fmt.Sprintf("cell %d [%s] %q", c.Index, c.Prompt, c.First)
}

// sliderState is the answer of window.__bt.slider.begin/state.
type sliderState struct {
	OK     bool   `json:"ok"`
	Why    string `json:"why"`
	Cell   int    `json:"cell"`
	Name   string `json:"name"`
	Min    string `json:"min"`
	Max    string `json:"max"`
	Figure bool   `json:"figure"`
	Values string `json:"values"`
	State  string `json:"state"`
	HTML   string `json:"html"`
	SVG    int    `json:"svg"`
	Shown  string `json:"shown"`
	Value  string `json:"value"`
	To     string `json:"to"`
}

// tester drives one browser against one notebook server.
type tester struct {
	browser context.Context // a chromedp context that owns the browser
	srv     *labServer
	outDir  string        // screenshots go here
	timeout time.Duration // per notebook
	verbose bool
}

// page is one notebook open in its own tab.
type page struct {
	ctx    context.Context // ends at the notebook's deadline or with parent
	parent context.Context // the run's context: ends on Ctrl-C
	cancel context.CancelFunc
	name   string

	mu      sync.Mutex
	console []string // the page's console messages and uncaught exceptions
	opened  time.Time
}

// listen records the page's console messages and uncaught exceptions.
func (p *page) listen(ev any) {
	var line string
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		var args []string
		for _, a := range ev.Args {
			if len(a.Value) > 0 {
				args = append(args, string(a.Value))
			} else {
				args = append(args, a.Description)
			}
		}
		line = fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(args, " "))
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		line = "exception: " + d.Text
		if d.Exception != nil {
			line += " " + d.Exception.Description
		}
	default:
		return
	}
	p.mu.Lock()
	p.console = append(p.console, fmt.Sprintf("%7.2fs %s", time.Since(p.opened).Seconds(), line))
	p.mu.Unlock()
}

// saveConsole writes the recorded console lines to outDir/NAME.console.log.
func (p *page) saveConsole(outDir string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.console) == 0 {
		return ""
	}
	path := filepath.Join(outDir, p.name+".console.log")
	if os.WriteFile(path, []byte(strings.Join(p.console, "\n")+"\n"), 0o644) != nil {
		return ""
	}
	return path
}

// eval runs JavaScript in the page and decodes its result.
func eval[T any](p *page, js string) (T, error) {
	return chromedp.Run(p.ctx, chromedp.Evaluate[T](js))
}

// open opens notebook name (a file in the served folder, without
// ".ipynb") in a new tab, installs the helpers and waits until the kernel
// is ready. The caller must call p.close.
func (t *tester) open(ctx context.Context, name string) (*page, error) {
	tab, cancelTab := chromedp.NewContext(t.browser)
	// A deadline for the whole notebook; the tab closes with it.
	deadline, cancelDeadline := context.WithTimeout(tab, t.timeout)
	stop := context.AfterFunc(ctx, cancelDeadline) // Ctrl-C ends the tab too
	p := &page{ctx: deadline, parent: ctx, name: name, opened: time.Now(), cancel: func() {
		stop()
		cancelDeadline()
		cancelTab()
	}}
	if err := chromedp.Listen(p.ctx, p.listen); err != nil {
		p.close()
		return nil, fmt.Errorf("opening a tab for %s: %w", name, err)
	}
	if t.verbose {
		// GoNB's comms log what they send and receive to the console.
		pageDebug = "if (globalThis.gonb_comm) { globalThis.gonb_comm.debug = true; }"
	}
	if err := chromedp.Do(p.ctx, chromedp.Navigate(t.srv.url("/notebooks/"+name+".ipynb"))); err != nil {
		p.close()
		return nil, fmt.Errorf("opening %s: %w", name, err)
	}
	if err := p.waitJS(2*time.Minute, pageJS, "the notebook page to load"); err != nil {
		return p, err
	}
	if err := p.waitJS(2*time.Minute, "__bt.ready()", "the kernel to be ready"); err != nil {
		return p, err
	}
	return p, nil
}

// close closes the tab.
func (p *page) close() {
	if p != nil {
		p.cancel()
	}
}

// waitJS evaluates js every 250 ms until it returns true, for at most d.
func (p *page) waitJS(d time.Duration, js, what string) error {
	end := time.Now().Add(d)
	var last error
	for {
		ok, err := eval[bool](p, js)
		if err == nil && ok {
			return nil
		}
		if err != nil {
			last = err
		}
		if p.ctx.Err() != nil {
			return fmt.Errorf("waiting for %s: %w", what, p.ctx.Err())
		}
		if time.Now().After(end) {
			if last != nil {
				return fmt.Errorf("waiting for %s: not within %v (last error: %v)", what, d, last)
			}
			return fmt.Errorf("waiting for %s: not within %v", what, d)
		}
		if err := sleep(p.ctx, 250*time.Millisecond); err != nil {
			return fmt.Errorf("waiting for %s: %w", what, err)
		}
	}
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}

// screenshot saves a full-page screenshot of p as outDir/file and returns
// its path ("" on error, which is printed).
func (t *tester) screenshot(p *page, file string) string {
	// A fresh context: p.ctx may be the one that timed out.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(p.ctx), 30*time.Second)
	defer cancel()
	_, _ = chromedp.Run(ctx, chromedp.Evaluate[int]("window.__bt ? __bt.unfold() : 0"))
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // PNG
	if err != nil {
		fmt.Printf("browsertest: %s: screenshot failed: %v\n", p.name, err)
		return ""
	}
	path := filepath.Join(t.outDir, file)
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		fmt.Printf("browsertest: %s: %v\n", p.name, err)
		return ""
	}
	return path
}

// runOptions are the per-notebook choices of runNotebook.
type runOptions struct {
	Expect     expectation
	Slider     bool   // move a slider of the first live panel
	SliderName string // which slider ("" for the first)
	WantFail   bool   // a self-check that must fail: no screenshot
}

// runNotebook opens name, runs all its cells, and checks the outcome.
func (t *tester) runNotebook(ctx context.Context, name string, o runOptions) *result {
	start := time.Now()
	r := &result{Name: name}
	defer func() { r.Elapsed = time.Since(start) }()

	p, err := t.open(ctx, name)
	defer p.close()
	if err != nil {
		r.fail(kindOpen, "%v", err)
		t.finish(p, r, o)
		return r
	}
	if _, err := eval[bool](p, "__bt.runAll()"); err != nil {
		r.fail(kindOpen, "Run All: %v", err)
		t.finish(p, r, o)
		return r
	}

	sliderPending := o.Slider
	settled := 0
	var st pollState
	for {
		st, err = eval[pollState](p, fmt.Sprintf("%s; __bt.poll(%v)", pageDebug, !sliderPending))
		if err != nil {
			if p.ctx.Err() != nil {
				r.fail(kindTimeout, "%s", t.timeoutMsg(p, st))
			} else {
				r.fail(kindOpen, "polling the page: %v", err)
			}
			break
		}
		if st.Dead > 0 || st.Restarts > 0 {
			r.fail(kindKernel, "the kernel died or restarted (%d deaths, %d restarts), last running cell %d", st.Dead, st.Restarts, st.Current)
			break
		}
		if sliderPending && st.Panels > 0 {
			sliderPending = false
			t.checkSlider(p, r, o.SliderName)
			continue
		}
		if st.Running == 0 && st.Idle {
			settled++
			if settled >= 3 {
				break
			}
		} else {
			settled = 0
		}
		if err := sleep(p.ctx, 400*time.Millisecond); err != nil {
			r.fail(kindTimeout, "%s", t.timeoutMsg(p, st))
			break
		}
	}
	if p.parent.Err() != nil {
		t.finish(p, r, runOptions{WantFail: true})
		return r
	}
	if sliderPending && len(r.Failures) == 0 {
		r.fail(kindSlider, "no live control panel showed up, so no slider could be moved")
	}
	t.check(p, r, o.Expect)
	t.finish(p, r, o)
	return r
}

// timeoutMsg describes a run that ran out of time.
func (t *tester) timeoutMsg(p *page, st pollState) string {
	msg := fmt.Sprintf("not finished within %v", t.timeout)
	if p.parent.Err() != nil {
		msg = "interrupted"
	}
	if st.Current >= 0 {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(p.ctx), 10*time.Second)
		defer cancel()
		first, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(
			"(Jupyter.notebook.get_cell(%d).get_text().split('\\n').find(l => l.trim() && l.trim() !== '%%%%') || '').trim()", st.Current)))
		if err == nil {
			msg += fmt.Sprintf("; cell %d was still running: %q", st.Current, first)
		} else {
			msg += fmt.Sprintf("; cell %d was still running", st.Current)
		}
	}
	return msg
}

// check reads the cells' outputs and applies the checks.
func (t *tester) check(p *page, r *result, want expectation) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(p.ctx), 30*time.Second)
	defer cancel()
	cells, err := chromedp.Run(ctx, chromedp.Evaluate[[]cellReport]("__bt.report()"))
	if err != nil {
		r.fail(kindOpen, "reading the outputs: %v", err)
		return
	}
	// Cells that fail with the same message (a panic in a package's
	// initialisation fails every later cell) are reported together.
	var (
		errCells  []cellReport
		errBodies []string
		sameAs    [][]int
	)
	for _, c := range cells {
		r.Figures += c.Figures
		if c.Panel {
			r.Panels++
		}
		if c.Prompt == "" || c.Prompt == "*" {
			r.fail(kindRun, "%s did not run (no execution count)", c)
		}
		// One failure per cell: its error outputs and its erroring stderr.
		var bad []string
		for _, e := range c.Errors {
			bad = append(bad, "error: "+e)
		}
		for _, s := range c.Stderr {
			if stderrFailure.MatchString(s) {
				bad = append(bad, "stderr: "+s)
			} else if strings.TrimSpace(s) != "" {
				r.Notes = append(r.Notes, fmt.Sprintf("%s wrote to stderr: %s", c, clip(s, 200)))
			}
		}
		if len(bad) > 0 {
			body := clip(strings.Join(bad, " | "), 600)
			if i := slices.Index(errBodies, body); i >= 0 {
				sameAs[i] = append(sameAs[i], c.Index)
			} else {
				errCells = append(errCells, c)
				errBodies = append(errBodies, body)
				sameAs = append(sameAs, nil)
			}
		}
		if c.Leftovers > 0 {
			r.fail(kindLeftover, "%s still shows %d transient control output(s) (.rlc-live/.rlc-figure) after Done", c, c.Leftovers)
		}
	}
	for i, c := range errCells {
		msg := fmt.Sprintf("%s failed: %s", c, errBodies[i])
		if n := len(sameAs[i]); n > 0 {
			msg += fmt.Sprintf(" (and %d later cell(s) the same way: %s)", n, strings.Trim(fmt.Sprint(sameAs[i]), "[]"))
		}
		r.fail(kindError, "%s", msg)
	}
	if r.Figures != want.Figures {
		var per []string
		for _, c := range cells {
			if c.Figures > 0 {
				per = append(per, fmt.Sprintf("cell %d: %d", c.Index, c.Figures))
			}
		}
		r.fail(kindFigures, "shows %d figure(s), want %d (%s)", r.Figures, want.Figures, strings.Join(per, ", "))
	}
	if r.Panels != want.Panels {
		r.fail(kindPanels, "shows %d live control panel(s), want %d", r.Panels, want.Panels)
	}
	if t.verbose {
		for _, c := range cells {
			fmt.Printf("  %s: %d figure(s), finals %q, text %q\n", c, c.Figures, c.Finals, clip(c.Text, 300))
		}
	}
}

// checkSlider moves a slider of the first live panel and waits until its
// figure is redrawn, then presses that panel's Done.
func (t *tester) checkSlider(p *page, r *result, name string) {
	js := func(expr string) (sliderState, error) { return eval[sliderState](p, expr) }
	var begin sliderState
	if err := p.waitFor(time.Minute, func() (bool, error) {
		s, err := js(fmt.Sprintf("__bt.slider.begin(%q)", name))
		begin = s
		return s.OK, err
	}); err != nil {
		r.fail(kindSlider, "finding a slider in a ready panel: %s (%v)", begin.Why, err)
		return
	}
	where := fmt.Sprintf("cell %d, slider %q (%s..%s)", begin.Cell, begin.Name, begin.Min, begin.Max)

	// The first drawing: a figure that is ready.
	var before sliderState
	if err := p.waitFor(90*time.Second, func() (bool, error) {
		s, err := js("__bt.slider.state()")
		before = s
		return s.Figure && s.State == "ready" && s.SVG > 0, err
	}); err != nil {
		r.fail(kindSlider, "%s: no ready figure (.rlc-figure with data-state=ready and an SVG/IMG) before the move: %v", where, err)
		return
	}
	moved, err := js("__bt.slider.move()")
	if err != nil || !moved.OK {
		r.fail(kindSlider, "%s: moving it: %v%s", where, err, moved.Why)
		return
	}
	t0 := time.Now()
	var after sliderState
	err = p.waitFor(2*time.Minute, func() (bool, error) {
		s, err := js("__bt.slider.state()")
		after = s
		return s.Figure && s.State == "ready" && s.Values != before.Values && s.HTML != before.HTML && s.Shown != before.Shown, err
	})
	if err != nil {
		out, _ := eval[string](p, fmt.Sprintf("Jupyter.notebook.get_cell(%d).element[0].querySelector('.output_area') ? Array.from(Jupyter.notebook.get_cell(%d).element[0].querySelectorAll('.output_subarea')).map(s => s.innerText).join(' | ') : ''", begin.Cell, begin.Cell))
		r.fail(kindSlider, "%s moved from %s to %s, but the figure was not redrawn: data-values %q → %q, content changed %v, shown value %q → %q, state %q (%v); the cell's output now: %s",
			where, before.Value, moved.To, before.Values, after.Values, after.HTML != before.HTML, before.Shown, after.Shown, after.State, err, clip(out, 400))
		if !r.hasScreenshot() {
			r.Screenshot = t.screenshot(p, p.name+".slider-fail.png")
		}
		return
	}
	r.Notes = append(r.Notes, fmt.Sprintf("slider: %s moved %s → %s; figure redrawn in %.1fs: data-values %q → %q, shown %q → %q",
		where, before.Value, moved.To, time.Since(t0).Seconds(), before.Values, after.Values, before.Shown, after.Shown))

	// Keep a picture of the control in use.
	if path := t.controlShot(p); path != "" {
		r.Notes = append(r.Notes, "screenshot of the control in use: "+path)
	}
	// A position outside the slider's range, sent the way a tampered page
	// would: the program must ignore it with a message under the figure and
	// keep the figure.
	if ok, err := eval[bool](p, "__bt.slider.bad()"); err != nil || !ok {
		r.fail(kindSlider, "%s: sending an out-of-range position: %v (sent: %v)", where, err, ok)
		return
	}
	var status string
	err = p.waitFor(time.Minute, func() (bool, error) {
		var err error
		status, err = eval[string](p, "__bt.slider.status()")
		return strings.Contains(status, "ignored position \"9999\""), err
	})
	if err != nil {
		r.fail(kindSlider, "%s: an out-of-range position (9999) got no 'ignored' message under the figure (status %q): %v", where, status, err)
		return
	}
	if s, err := js("__bt.slider.state()"); err != nil || s.Values != after.Values {
		r.fail(kindSlider, "%s: after the out-of-range position the figure shows %q, want it kept at %q (%v)", where, s.Values, after.Values, err)
		return
	}
	r.Notes = append(r.Notes, "an out-of-range position (9999) was ignored with the message: "+status)
	if ok, err := eval[bool](p, "__bt.slider.done()"); err != nil || !ok {
		r.fail(kindSlider, "%s: pressing Done: %v (found: %v)", where, err, ok)
		return
	}
	// Done persists the moved figure.
	err = p.waitFor(time.Minute, func() (bool, error) {
		return eval[bool](p, fmt.Sprintf(
			"Array.from(Jupyter.notebook.get_cell(%d).element[0].querySelectorAll('.rlc-final')).some(f => f.dataset.values === %q)",
			begin.Cell, after.Values))
	})
	if err != nil {
		r.fail(kindSlider, "%s: after Done, no persistent .rlc-final figure with data-values %q: %v", where, after.Values, err)
	}
}

// controlShot saves a viewport screenshot with the slider's cell in view.
func (t *tester) controlShot(p *page) string {
	if _, err := eval[bool](p, "(__bt.slider.cellEl.querySelector('.rlc-live').scrollIntoView(), true)"); err != nil {
		return ""
	}
	_ = sleep(p.ctx, 300*time.Millisecond)
	buf, err := chromedp.Run(p.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		return ""
	}
	path := filepath.Join(t.outDir, p.name+".control.png")
	if os.WriteFile(path, buf, 0o644) != nil {
		return ""
	}
	return path
}

// waitFor calls cond every 300 ms until it returns true, for at most d.
// Errors from cond are retried; the last one is reported on timeout.
func (p *page) waitFor(d time.Duration, cond func() (bool, error)) error {
	end := time.Now().Add(d)
	var last error
	for {
		ok, err := cond()
		if err == nil && ok {
			return nil
		}
		last = err
		if time.Now().After(end) {
			if last != nil {
				return fmt.Errorf("not within %v (last error: %v)", d, last)
			}
			return fmt.Errorf("not within %v", d)
		}
		if err := sleep(p.ctx, 300*time.Millisecond); err != nil {
			return err
		}
	}
}

func (r *result) hasScreenshot() bool { return r.Screenshot != "" }

// finish saves a screenshot of a failed notebook (unless the failure is
// expected) and shuts its kernel down.
func (t *tester) finish(p *page, r *result, o runOptions) {
	if len(r.Failures) > 0 && !o.WantFail && p != nil {
		if !r.hasScreenshot() {
			r.Screenshot = t.screenshot(p, r.Name+".fail.png")
		}
		if path := p.saveConsole(t.outDir); path != "" {
			r.Notes = append(r.Notes, "the page's console: "+path)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := t.srv.shutdownKernels(ctx); err != nil && !errors.Is(err, context.Canceled) {
		r.Notes = append(r.Notes, fmt.Sprintf("shutting the kernel down: %v", err))
	}
}

// runInterrupt opens name (kernel/testdata/browser/interrupt.ipynb): runs
// its first code cell (an hour's sleep), interrupts the kernel once the
// cell prints, checks the cell stops, then runs the second cell and checks
// its output.
func (t *tester) runInterrupt(ctx context.Context, name string) *result {
	start := time.Now()
	r := &result{Name: name}
	defer func() { r.Elapsed = time.Since(start) }()
	p, err := t.open(ctx, name)
	defer p.close()
	if err != nil {
		r.fail(kindOpen, "%v", err)
		t.finish(p, r, runOptions{})
		return r
	}
	cells := func() ([]cellReport, error) { return eval[[]cellReport](p, "__bt.report()") }
	cs, err := cells()
	if err != nil || len(cs) < 2 {
		r.fail(kindOpen, "want two code cells, got %d (%v)", len(cs), err)
		t.finish(p, r, runOptions{})
		return r
	}
	sleeper, next := cs[0].Index, cs[1].Index
	if _, err := eval[bool](p, fmt.Sprintf("__bt.runCell(%d)", sleeper)); err != nil {
		r.fail(kindOpen, "running cell %d: %v", sleeper, err)
	}
	cellState := func(i int) (cellReport, error) {
		cs, err := cells()
		for _, c := range cs {
			if c.Index == i {
				return c, err
			}
		}
		return cellReport{}, fmt.Errorf("no code cell %d (%v)", i, err)
	}
	if len(r.Failures) == 0 {
		if err := p.waitFor(2*time.Minute, func() (bool, error) {
			c, err := cellState(sleeper)
			return strings.Contains(c.Text, "sleeping for an hour") && c.Prompt == "*", err
		}); err != nil {
			r.fail(kindInterrupt, "cell %d never printed that it sleeps: %v", sleeper, err)
		}
	}
	if len(r.Failures) == 0 {
		_ = sleep(p.ctx, time.Second)
		t0 := time.Now()
		if _, err := eval[bool](p, "__bt.interrupt()"); err != nil {
			r.fail(kindInterrupt, "Kernel → Interrupt: %v", err)
		} else if err := p.waitFor(30*time.Second, func() (bool, error) {
			c, err := cellState(sleeper)
			return c.Prompt != "*" && c.Prompt != "", err
		}); err != nil {
			r.fail(kindInterrupt, "cell %d kept running after the interrupt: %v", sleeper, err)
		} else {
			r.Notes = append(r.Notes, fmt.Sprintf("interrupt stopped cell %d in %.1fs", sleeper, time.Since(t0).Seconds()))
		}
	}
	if len(r.Failures) == 0 {
		if c, _ := cellState(sleeper); strings.Contains(c.Text, "woke up") {
			r.fail(kindInterrupt, "cell %d finished its sleep instead of stopping", sleeper)
		}
		if _, err := eval[bool](p, fmt.Sprintf("__bt.runCell(%d)", next)); err != nil {
			r.fail(kindInterrupt, "running cell %d: %v", next, err)
		} else if err := p.waitFor(2*time.Minute, func() (bool, error) {
			c, err := cellState(next)
			return strings.Contains(c.Text, "the next cell ran") && c.Prompt != "*" && c.Prompt != "", err
		}); err != nil {
			c, _ := cellState(next)
			r.fail(kindInterrupt, "the cell after the interrupted one did not run and print (prompt %q, output %q): %v", c.Prompt, clip(c.Text, 300), err)
		}
	}
	if st, err := eval[pollState](p, "__bt.poll(false)"); err == nil && (st.Dead > 0 || st.Restarts > 0) {
		r.fail(kindKernel, "the kernel died or restarted during the interrupt (%d deaths, %d restarts)", st.Dead, st.Restarts)
	}
	t.finish(p, r, runOptions{})
	return r
}

// clip shortens s to at most n bytes (on a rune boundary), on one line.
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }
