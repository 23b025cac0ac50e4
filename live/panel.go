package live

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rlcontrol/rlcontrol/plotting"
)

// HeadlessEnv names the environment variable that makes every panel
// headless when set to anything but "" or "0": Show then draws the
// defaults once and returns, without waiting for a browser. The notebook
// test runner and `make figures` set it.
const HeadlessEnv = "RLCONTROL_HEADLESS"

// View is what Render draws for one setting of the controls.
type View struct {
	// Figure is the figure to show (required).
	Figure *plotting.Figure
	// Text is an optional short result shown under the figure and printed
	// with the values when the cell ends, e.g. "final angle error 0.012 rad".
	Text string
}

// Progress reports how far a recomputation has got ("iteration 3 of 10");
// the panel shows the newest message under the figure. It is safe to call
// from any goroutine and cheap to call often.
type Progress func(format string, args ...any)

// RenderFunc computes the view for the values v. Long computations should
// call progress now and then and return soon after ctx is cancelled (a
// newer move superseded them); a view computed for superseded values is
// dropped in any case.
type RenderFunc func(ctx context.Context, v Values, progress Progress) (View, error)

// Panel is a set of controls above a figure they recompute. Show is the
// short way to build and show one.
type Panel struct {
	// Title heads the panel.
	Title string
	// Controls are the settings, in the order shown (at least one; names
	// distinct).
	Controls []Control
	// Render computes the figure for some values (required).
	Render RenderFunc
	// ReadyTimeout is how long Show waits for the browser to answer before
	// it treats the run as headless (default 10 s).
	ReadyTimeout time.Duration
	// Out receives the final line "values: text" (default os.Stdout).
	Out io.Writer
}

// Show builds a Panel from its arguments and shows it; see Panel.Show.
func Show(title string, controls []Control, render RenderFunc) (Values, View, error) {
	return Panel{Title: title, Controls: controls, Render: render}.Show()
}

// Show shows the panel and returns the values of the figure it leaves in
// the cell, with that figure. In a notebook with a browser it returns when
// the student presses Done; headless it draws the defaults and returns at
// once (see the package comment). It returns an error for an invalid
// panel, a Render that fails (or panics) on the defaults, or a control name
// Render asks for that the panel does not have.
func (p Panel) Show() (Values, View, error) {
	return p.show(newFrontend())
}

// show runs the checked panel on fe.
func (p Panel) show(fe frontend) (Values, View, error) {
	if err := p.check(); err != nil {
		return Values{}, View{}, err
	}
	return p.run(fe)
}

// check validates the panel.
func (p Panel) check() error {
	if p.Render == nil {
		return errors.New("live: panel has no Render function")
	}
	if len(p.Controls) == 0 {
		return errors.New("live: panel has no controls")
	}
	if p.ReadyTimeout < 0 {
		return fmt.Errorf("live: ReadyTimeout = %v, want ≥ 0 (0 for the default 10 s)", p.ReadyTimeout)
	}
	for i, c := range p.Controls {
		if err := c.check(); err != nil {
			return err
		}
		for _, d := range p.Controls[:i] {
			if d.Name == c.Name {
				return fmt.Errorf("live: two controls are called %q", c.Name)
			}
		}
	}
	return nil
}

// frontend is where a panel is shown: GoNB in a notebook (gonb.go), or a
// fake in the tests.
type frontend interface {
	// live reports whether a browser may be there to move the controls.
	live() bool
	// start begins listening to the browser; events delivers its messages.
	start() <-chan string
	// panel shows or replaces the controls (a transient output).
	panel(html string)
	// figure shows or replaces the figure (a transient output).
	figure(html string)
	// final erases the transient outputs and shows html for good.
	final(html string)
	// note tells the person something (a message, not an error).
	note(msg string)
	// kick nudges the connection to the browser while no message has come
	// back (GoNB re-installs its side of the connection when it finds it
	// dead).
	kick()
	// stop stops listening.
	stop()
}

// result is a finished render.
type result struct {
	v    Values
	view View
	err  error
}

// safeRender calls render, turning a panic into an error and checking the
// view.
func (p Panel) safeRender(ctx context.Context, v Values, progress Progress) (view View, err error) {
	defer func() {
		if r := recover(); r != nil {
			if u, ok := r.(usageError); ok {
				err = u.error
				return
			}
			err = fmt.Errorf("live: Render panicked for %s: %v", v, r)
		}
	}()
	view, err = p.Render(ctx, v, progress)
	if err == nil && view.Figure == nil {
		err = fmt.Errorf("live: Render returned no figure for %s", v)
	}
	return view, err
}

// run runs the panel on fe.
func (p Panel) run(fe frontend) (Values, View, error) {
	if p.ReadyTimeout == 0 {
		p.ReadyTimeout = 10 * time.Second
	}
	if p.Out == nil {
		p.Out = os.Stdout
	}
	def := defaults(p.Controls)
	if !fe.live() {
		return p.headless(fe, def, "")
	}
	r := &runner{p: p, fe: fe, results: make(chan result, 1), progress: make(chan string, 1), want: def}
	events := fe.start()
	defer fe.stop()
	fe.panel(panelHTML(p.Title, p.Controls, def))
	r.start(def)
	return r.loop(events)
}

// headless draws v once and shows it for good.
func (p Panel) headless(fe frontend, v Values, why string) (Values, View, error) {
	view, err := p.safeRender(context.Background(), v, func(string, ...any) {})
	if err != nil {
		return v, View{}, err
	}
	return p.finish(fe, v, view, why)
}

// finish shows the final figure and prints the values line.
func (p Panel) finish(fe frontend, v Values, view View, why string) (Values, View, error) {
	svg, err := view.Figure.Render(plotting.SVG)
	if err != nil {
		return v, view, fmt.Errorf("live: drawing the figure for %s: %w", v, err)
	}
	fe.final(finalHTML(v, view.Text, string(svg)))
	line := v.String()
	if view.Text != "" {
		line += ": " + view.Text
	}
	if why != "" {
		line += "  (" + why + ")"
	}
	fmt.Fprintln(p.Out, line)
	return v, view, nil
}

// noBrowser is the note of a panel no browser answered.
const noBrowser = "no browser answered: the controls kept their defaults"

// runner is the state of a live panel.
type runner struct {
	p        Panel
	fe       frontend
	results  chan result
	progress chan string

	want      Values // the newest values asked for
	running   bool
	runningV  Values
	cancel    context.CancelFunc
	shown     Values // the values of the figure on show
	shownView View
	shownSVG  string
	hasShown  bool
	done      bool   // Done pressed
	ready     bool   // the browser answered
	status    string // a message under the figure (bad input, an error)
}

// start renders v in the background.
func (r *runner) start(v Values) {
	ctx, cancel := context.WithCancel(context.Background())
	r.running, r.runningV, r.cancel = true, v, cancel
	var mu sync.Mutex
	last := time.Time{}
	progress := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		if time.Since(last) < 200*time.Millisecond {
			return
		}
		last = time.Now()
		select { // keep only the newest message
		case <-r.progress:
		default:
		}
		select {
		case r.progress <- fmt.Sprintf(format, args...):
		default:
		}
	}
	go func() {
		view, err := r.p.safeRender(ctx, v, progress)
		cancel()
		r.results <- result{v, view, err}
	}()
}

// loop handles the browser's messages and finished renders until Done.
func (r *runner) loop(events <-chan string) (Values, View, error) {
	timeout := time.NewTimer(r.p.ReadyTimeout)
	defer timeout.Stop()
	// Until the browser answers, nudge the connection now and then: GoNB's
	// script in the page gives up on a busy machine if the kernel does
	// not acknowledge it within half a second, and the page's "ready" is
	// then lost; the panel's script keeps saying "ready" until the figure
	// output says it was heard (data-ready).
	kick := time.NewTicker(max(r.p.ReadyTimeout/5, time.Millisecond))
	defer kick.Stop()
	for {
		select {
		case <-kick.C:
			if r.ready {
				kick.Stop()
			} else {
				r.fe.kick()
			}
		case msg, ok := <-events:
			if !ok { // the connection went away: end as if Done
				events = nil
				r.done = true
				break
			}
			if !r.ready {
				r.ready = true
				timeout.Stop()
				r.redraw("") // tells the page it was heard
			}
			ev, err := parseEvent(msg, r.p.Controls)
			if err != nil {
				r.fe.note(err.Error())
				r.status = err.Error()
				r.redraw("")
				continue
			}
			switch ev.kind {
			case "done":
				r.done = true
			case "set":
				before := r.want
				r.want = r.want.with(ev.ctl, ev.pos)
				if r.want.equal(before) {
					break // a repeat (the page re-sends what it has not seen answered)
				}
				r.status = ""
				if r.running && !r.runningV.equal(r.want) {
					r.cancel() // superseded: its result is dropped
				} else if !r.running && !(r.hasShown && r.shown.equal(r.want)) {
					r.start(r.want)
				}
				if r.running {
					r.redraw("computing " + r.want.String() + " …")
				} else {
					r.redraw("") // data-want tells the page it was heard
				}
			}
		case <-timeout.C:
			if !r.ready { // nobody is there: draw the defaults and end
				if r.hasShown {
					return r.p.finish(r.fe, r.shown, r.shownView, noBrowser)
				}
				res := <-r.results
				if res.err != nil {
					return res.v, View{}, res.err
				}
				return r.p.finish(r.fe, res.v, res.view, noBrowser)
			}
		case msg := <-r.progress:
			if r.running && r.runningV.equal(r.want) {
				r.redraw(msg)
			}
		case res := <-r.results:
			r.running = false
			switch {
			case !res.v.equal(r.want): // superseded
			case res.err != nil && !errors.Is(res.err, context.Canceled):
				if !r.hasShown && !r.ready {
					return res.v, View{}, res.err // the defaults fail: a bug in the cell
				}
				r.status = fmt.Sprintf("%s failed: %v", res.v, res.err)
				r.fe.note(r.status)
				r.redraw("")
			case res.err == nil:
				b, err := res.view.Figure.Render(plotting.SVG)
				if err != nil {
					r.status = fmt.Sprintf("drawing the figure for %s: %v", res.v, err)
					r.fe.note(r.status)
					r.redraw("")
					break
				}
				r.shown, r.shownView, r.shownSVG, r.hasShown = res.v, res.view, string(b), true
				r.redraw("")
			}
			if !res.v.equal(r.want) || (res.err != nil && errors.Is(res.err, context.Canceled)) {
				r.start(r.want)
			}
		}
		if r.done && !r.running {
			if !r.hasShown {
				return r.want, View{}, fmt.Errorf("live: no figure could be drawn: %s", r.status)
			}
			why := ""
			if !r.shown.equal(r.want) {
				why = fmt.Sprintf("%s could not be drawn; this is the last figure that could", r.want)
			}
			return r.p.finish(r.fe, r.shown, r.shownView, why)
		}
	}
}

// redraw replaces the figure output: the figure on show (if any), the
// state, and a status line (msg, or the runner's status).
func (r *runner) redraw(msg string) {
	state := "ready"
	if r.running {
		state = "computing"
	}
	if msg == "" {
		msg = r.status
	}
	r.fe.figure(figureHTML(r.shown, r.hasShown, r.ready, r.want.String(), state, r.shownSVG, r.shownView.Text, msg))
}

// headlessEnv reports whether HeadlessEnv asks for headless panels.
func headlessEnv() bool {
	v := strings.TrimSpace(os.Getenv(HeadlessEnv))
	if v == "" {
		return false
	}
	b, err := strconv.ParseBool(v)
	return err != nil || b
}
