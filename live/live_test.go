package live

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rlcontrol/rlcontrol/plotting"
)

// fake is a front-end driven by the test.
type fake struct {
	isLive bool
	events chan string

	mu      sync.Mutex
	panels  []string
	figures []string
	finals  []string
	notes   []string
	kicks   int
}

func newFake(live bool) *fake { return &fake{isLive: live, events: make(chan string, 100)} }

func (f *fake) live() bool           { return f.isLive }
func (f *fake) start() <-chan string { return f.events }
func (f *fake) stop()                {}
func (f *fake) panel(html string)    { f.add(&f.panels, html) }
func (f *fake) figure(html string)   { f.add(&f.figures, html) }
func (f *fake) final(html string)    { f.add(&f.finals, html) }
func (f *fake) note(msg string)      { f.add(&f.notes, msg) }
func (f *fake) add(to *[]string, s string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	*to = append(*to, s)
}

// waitFigure waits until a figure output shows values (data-values="…").
func (f *fake) waitFigure(t *testing.T, values string) {
	t.Helper()
	want := fmt.Sprintf(`data-want="%s" data-values="%s" data-state="ready"`, values, values)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		f.mu.Lock()
		n := len(f.figures)
		last := ""
		if n > 0 {
			last = f.figures[n-1]
		}
		f.mu.Unlock()
		if strings.Contains(last, `data-ready="1"`) && strings.Contains(last, want) {
			return
		}
	}
	t.Fatalf("no figure showing %q", values)
}

// figure returns a one-line figure whose y value is y.
func figure(y float64) *plotting.Figure {
	return plotting.Must(plotting.Lines("test", "x", "y", []float64{0, 1}, plotting.Series{Name: "y", Y: []float64{y, y}}))
}

// panelFor is a panel with a slider T (10…50 by 10, default 30) and a log
// slider r (1e-3…1e1, 2 per decade, default 0.1) whose Render records its
// calls.
func panelFor(calls *[]string, mu *sync.Mutex) Panel {
	return Panel{
		Title: "test",
		Controls: []Control{
			IntSlider("T", "horizon T", 10, 50, 10, 30),
			LogSlider("r", "cost r", 1e-3, 10, 2, 0.1),
		},
		Render: func(ctx context.Context, v Values, progress Progress) (View, error) {
			mu.Lock()
			*calls = append(*calls, v.String())
			mu.Unlock()
			progress("computing %s", v)
			return View{Figure: figure(float64(v.Int("T")) * v.Float("r")), Text: fmt.Sprintf("T·r = %g", float64(v.Int("T"))*v.Float("r"))}, nil
		},
	}
}

func TestControls(t *testing.T) {
	r := LogSlider("r", "", 1e-3, 10, 2, 0.1)
	if r.Positions() != 9 || r.Default() != 4 {
		t.Fatalf("log slider: %d positions, default %d; want 9 and 4", r.Positions(), r.Default())
	}
	v := defaults([]Control{r})
	// The grid is 10^(k/2) · 1e-3, exact to a few ulps; the default is the
	// value the lesson gave, exactly.
	for k, want := range []float64{1e-3, 0.00316228, 1e-2, 0.0316228, 0.1, 0.316228, 1, 3.16228, 10} {
		got := v.with(0, k).Float("r")
		if math.Abs(got-want) > 1e-6*want {
			t.Errorf("r position %d = %v, want %v", k, got, want)
		}
	}
	if got := v.Float("r"); got != 0.1 {
		t.Errorf("default r = %v, want exactly 0.1", got)
	}
	if got := v.with(0, 1).String(); got != "r=0.00316" {
		t.Errorf("values %q, want r=0.00316 (3 significant digits)", got)
	}
	s := Slider("x", "", -1, 1, 0.5, 0)
	if s.Positions() != 5 || s.Default() != 2 {
		t.Errorf("slider: %d positions, default %d; want 5 and 2", s.Positions(), s.Default())
	}
	sel := Select("kind", "", []string{"E2C", "VAE", "AE"}, "VAE")
	if vs := defaults([]Control{sel}); vs.Choice("kind") != "VAE" || vs.with(0, 2).Choice("kind") != "AE" {
		t.Errorf("select: %v", vs)
	}
}

func TestBadControls(t *testing.T) {
	render := func(context.Context, Values, Progress) (View, error) { return View{Figure: figure(1)}, nil }
	for _, tc := range []struct {
		c    Control
		want string
	}{
		{Slider("x", "", 1, 0, 0.1, 0.5), "want lo < hi"},
		{Slider("x", "", 0, 1, 0, 0.5), "step > 0"},
		{Slider("x", "", 0, 1, 0.1, math.NaN()), "finite"},
		{Slider("x", "", 0, 1, 1e-6, 0), "more than 1000"},
		{Slider("x", "", 0, 1, 0.1, 0.55), "default 0.55 is not one of"},
		{IntSlider("T", "", 5, 5, 1, 5), "want lo < hi"},
		{IntSlider("T", "", 0, 10, 2, 3), "default 3"},
		{LogSlider("r", "", 0, 1, 2, 0.1), "0 < lo < hi"},
		{LogSlider("r", "", 1e-3, 2, 2, 0.1), "whole number"},
		{LogSlider("r", "", 1e-3, 1, 0, 0.1), "steps per decade"},
		{LogSlider("r", "", 1e-3, 1, 2, 0.2), "default 0.2"},
		{Select("k", "", nil, ""), "0 options"},
		{Select("k", "", []string{"a", "a"}, "a"), "appears twice"},
		{Select("k", "", []string{"a", " "}, "a"), "option 1 is empty"},
		{Select("k", "", []string{"a"}, "b"), `default "b"`},
		{IntSlider("1T", "", 0, 10, 1, 3), `control name "1T"`},
		{Control{Name: "x"}, "no positions"},
	} {
		_, _, err := Panel{Controls: []Control{tc.c}, Render: render}.show(newFake(false))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want one containing %q", tc.c, err, tc.want)
		}
	}
	// Panel-level errors.
	ok := IntSlider("T", "", 0, 10, 1, 3)
	for _, tc := range []struct {
		p    Panel
		want string
	}{
		{Panel{Controls: []Control{ok}}, "no Render"},
		{Panel{Render: render}, "no controls"},
		{Panel{Controls: []Control{ok, ok}, Render: render}, `two controls are called "T"`},
		{Panel{Controls: []Control{ok}, Render: render, ReadyTimeout: -1}, "ReadyTimeout"},
	} {
		if _, _, err := tc.p.Show(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want one containing %q", tc.p, err, tc.want)
		}
	}
}

func TestHeadless(t *testing.T) {
	var calls []string
	var mu sync.Mutex
	p := panelFor(&calls, &mu)
	var out bytes.Buffer
	p.Out = &out
	fe := newFake(false)
	v, view, err := p.show(fe)
	if err != nil {
		t.Fatal(err)
	}
	if v.String() != "T=30 r=0.1" || len(calls) != 1 || view.Text != "T·r = 3" {
		t.Fatalf("values %v, calls %v, text %q", v, calls, view.Text)
	}
	if len(fe.panels) != 0 || len(fe.figures) != 0 || len(fe.finals) != 1 {
		t.Fatalf("headless showed %d panels, %d live figures, %d finals; want 0, 0, 1", len(fe.panels), len(fe.figures), len(fe.finals))
	}
	if f := fe.finals[0]; !strings.Contains(f, `class="rlc-final" data-values="T=30 r=0.1"`) || !strings.Contains(f, "<svg") || strings.Contains(f, "<?xml") {
		t.Errorf("final output %.200q", f)
	}
	if got := out.String(); got != "T=30 r=0.1: T·r = 3\n" {
		t.Errorf("printed %q", got)
	}
}

func TestLive(t *testing.T) {
	var calls []string
	var mu sync.Mutex
	p := panelFor(&calls, &mu)
	p.Out = &bytes.Buffer{}
	fe := newFake(true)
	type ret struct {
		v   Values
		err error
	}
	done := make(chan ret)
	go func() {
		v, _, err := p.show(fe)
		done <- ret{v, err}
	}()
	fe.events <- "ready"
	fe.waitFigure(t, "T=30 r=0.1")
	fe.events <- "set T 4"
	fe.waitFigure(t, "T=50 r=0.1")
	fe.events <- "set T 4" // a repeat (the page re-sends unanswered settings): no new render
	fe.events <- "set r 0"
	fe.waitFigure(t, "T=50 r=0.001")
	fe.events <- "done"
	r := <-done
	if r.err != nil || r.v.String() != "T=50 r=0.001" {
		t.Fatalf("Show returned %v, %v", r.v, r.err)
	}
	if len(fe.panels) != 1 || !strings.Contains(fe.panels[0], `class="rlc-slider" data-name="T" min="0" max="4" step="1" value="2"`) ||
		!strings.Contains(fe.panels[0], `<span class="rlc-value" data-name="r"`) || !strings.Contains(fe.panels[0], `class="rlc-done"`) {
		t.Errorf("panel %q", fe.panels)
	}
	if len(fe.finals) != 1 || !strings.Contains(fe.finals[0], `data-values="T=50 r=0.001"`) {
		t.Errorf("finals %q", fe.finals)
	}
	if want := []string{"T=30 r=0.1", "T=50 r=0.1", "T=50 r=0.001"}; strings.Join(calls, ",") != strings.Join(want, ",") {
		t.Errorf("renders %q, want %q", calls, want)
	}
}

// TestSupersede: a move made while a render runs cancels it; its figure
// is never shown, and the newest values are drawn.
func TestSupersede(t *testing.T) {
	started := make(chan string, 10)
	p := Panel{
		Controls: []Control{IntSlider("n", "n", 0, 9, 1, 0)},
		Out:      &bytes.Buffer{},
		Render: func(ctx context.Context, v Values, progress Progress) (View, error) {
			started <- v.String()
			if v.Int("n") == 1 { // slow: waits to be superseded
				<-ctx.Done()
				return View{}, ctx.Err()
			}
			return View{Figure: figure(float64(v.Int("n")))}, nil
		},
	}
	fe := newFake(true)
	done := make(chan Values)
	go func() {
		v, _, _ := p.show(fe)
		done <- v
	}()
	fe.events <- "ready"
	fe.waitFigure(t, "n=0")
	fe.events <- "set n 1"
	if s := <-started; s != "n=0" {
		t.Fatalf("first render %q", s)
	}
	if s := <-started; s != "n=1" {
		t.Fatalf("second render %q", s)
	}
	fe.events <- "set n 2"
	fe.waitFigure(t, "n=2")
	fe.events <- "done"
	if v := <-done; v.String() != "n=2" {
		t.Fatalf("final values %v", v)
	}
	for _, f := range fe.figures {
		if strings.Contains(f, `data-values="n=1"`) {
			t.Errorf("a superseded figure was shown: %.100q", f)
		}
	}
}

// TestBadInput: messages outside the controls' ranges are ignored with a
// message; the panel goes on.
func TestBadInput(t *testing.T) {
	var calls []string
	var mu sync.Mutex
	p := panelFor(&calls, &mu)
	p.Out = &bytes.Buffer{}
	fe := newFake(true)
	done := make(chan Values)
	go func() {
		v, _, err := p.show(fe)
		if err != nil {
			t.Error(err)
		}
		done <- v
	}()
	bad := map[string]string{
		"set T 999":              `position "999" for control "T": want a whole number from 0 to 4`,
		"set T -1":               `position "-1"`,
		"set T 1.5":              `position "1.5"`,
		"set X 1":                `"X": no such control`,
		"hello":                  `the message "hello"`,
		"set T":                  `the message "set T"`,
		strings.Repeat("x", 100): "…",
	}
	for msg := range bad {
		fe.events <- msg
	}
	fe.events <- "set T 0"
	fe.waitFigure(t, "T=10 r=0.1")
	fe.events <- "done"
	if v := <-done; v.String() != "T=10 r=0.1" {
		t.Fatalf("values %v", v)
	}
	notes := strings.Join(fe.notes, "\n")
	for msg, want := range bad {
		if !strings.Contains(notes, want) {
			t.Errorf("message %q: no note containing %q in\n%s", msg, want, notes)
		}
	}
	for _, c := range calls {
		if c != "T=30 r=0.1" && c != "T=10 r=0.1" {
			t.Errorf("Render was called with %q", c)
		}
	}
}

func TestNoBrowser(t *testing.T) {
	var calls []string
	var mu sync.Mutex
	p := panelFor(&calls, &mu)
	var out bytes.Buffer
	p.Out, p.ReadyTimeout = &out, 50*time.Millisecond
	fe := newFake(true)
	v, _, err := p.show(fe)
	if err != nil || v.String() != "T=30 r=0.1" {
		t.Fatalf("%v, %v", v, err)
	}
	if len(fe.finals) != 1 || !strings.Contains(out.String(), "no browser answered") {
		t.Errorf("finals %d, printed %q", len(fe.finals), out.String())
	}
	if fe.kicks < 2 {
		t.Errorf("%d kicks while waiting for the browser, want several", fe.kicks)
	}
}

// TestConnectionLost: a closed event stream ends the panel as Done would.
func TestConnectionLost(t *testing.T) {
	var calls []string
	var mu sync.Mutex
	p := panelFor(&calls, &mu)
	p.Out = &bytes.Buffer{}
	fe := newFake(true)
	go func() {
		fe.events <- "ready"
		fe.events <- "set T 0"
		close(fe.events)
	}()
	v, _, err := p.show(fe)
	if err != nil || v.String() != "T=10 r=0.1" {
		t.Fatalf("%v, %v", v, err)
	}
}

func TestRenderErrors(t *testing.T) {
	ctl := []Control{IntSlider("T", "", 0, 10, 1, 3)}
	for _, tc := range []struct {
		render RenderFunc
		want   string
	}{
		{func(context.Context, Values, Progress) (View, error) { return View{}, errors.New("boom") }, "boom"},
		{func(context.Context, Values, Progress) (View, error) { return View{}, nil }, "no figure for T=3"},
		{func(context.Context, Values, Progress) (View, error) { panic("oops") }, "panicked for T=3: oops"},
		{func(_ context.Context, v Values, _ Progress) (View, error) { v.Float("t"); return View{}, nil }, `no control "t"`},
		{func(_ context.Context, v Values, _ Progress) (View, error) { v.Choice("T"); return View{}, nil }, `"T" is a slider, not a select`},
	} {
		for _, live := range []bool{false, true} {
			fe := newFake(live)
			p := Panel{Controls: ctl, Render: tc.render, Out: &bytes.Buffer{}, ReadyTimeout: time.Hour}
			if live { // live, the failure shows as a status until Done
				fe.events <- "ready"
				fe.events <- "done"
			}
			_, _, err := p.show(fe)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("live %v: error %v, want one containing %q", live, err, tc.want)
			}
		}
	}
}

// TestLiveRenderError: a setting that fails is reported under the figure;
// Done keeps the last figure that could be drawn.
func TestLiveRenderError(t *testing.T) {
	p := Panel{
		Controls: []Control{IntSlider("n", "n", 0, 3, 1, 0)},
		Out:      &bytes.Buffer{},
		Render: func(_ context.Context, v Values, _ Progress) (View, error) {
			if v.Int("n") == 3 {
				return View{}, errors.New("diverged")
			}
			return View{Figure: figure(1)}, nil
		},
	}
	fe := newFake(true)
	done := make(chan Values)
	go func() {
		v, _, err := p.show(fe)
		if err != nil {
			t.Error(err)
		}
		done <- v
	}()
	fe.events <- "ready"
	fe.waitFigure(t, "n=0")
	fe.events <- "set n 3"
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
		fe.mu.Lock()
		n := len(fe.notes)
		fe.mu.Unlock()
		if n > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no note for the failing setting")
		}
	}
	fe.events <- "done"
	if v := <-done; v.String() != "n=0" {
		t.Fatalf("values %v, want the last drawn n=0", v)
	}
	if !strings.Contains(fe.notes[0], "n=3 failed: diverged") {
		t.Errorf("notes %q", fe.notes)
	}
}

func TestHeadlessEnv(t *testing.T) {
	for v, want := range map[string]bool{"": false, "0": false, "false": false, "1": true, "true": true, "yes": true} {
		t.Setenv(HeadlessEnv, v)
		if got := headlessEnv(); got != want {
			t.Errorf("%s=%q: headless %v, want %v", HeadlessEnv, v, got, want)
		}
	}
}

func (f *fake) kick() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.kicks++
}
