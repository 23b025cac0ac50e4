package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/chromedp/chromedp"
)

// options are the command-line settings.
type options struct {
	root         string
	notebooks    string
	out          string
	chromium     string
	slider       string
	sliderName   string
	self         string
	timeout      time.Duration
	figureOffset int
	verbose      bool
	lessons      []string
}

func main() {
	os.Exit(run())
}

func run() int {
	var o options
	flag.StringVar(&o.root, "root", "", "the rlcontrol checkout (default: the module root above the working directory)")
	flag.StringVar(&o.notebooks, "notebooks", "", "folder of the lesson notebooks NN-*.ipynb (default ROOT/notebooks)")
	flag.StringVar(&o.out, "out", "", "folder for screenshots and logs (default ROOT/build/browsertest)")
	flag.StringVar(&o.chromium, "chromium", "chromium", "the Chromium binary (Debian's chromium package)")
	flag.StringVar(&o.slider, "slider", "01", "the lesson whose first control panel gets a slider moved (\"\" for none)")
	flag.StringVar(&o.sliderName, "slider-name", "", "the data-name of the slider to move (default: the panel's first)")
	flag.StringVar(&o.self, "self", "all", "the self-checks to run first (a missing figure, errors, an interrupt and a live slider must be caught): all, none, or names such as figures,live")
	flag.DurationVar(&o.timeout, "timeout", 6*time.Minute, "time limit for one notebook")
	flag.IntVar(&o.figureOffset, "expect-figures-offset", 0, "add this to every lesson's expected figure count (to see the test fail)")
	flag.BoolVar(&o.verbose, "v", false, "print every code cell's figure count")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: go run ./cmd/browsertest [flags] [LESSON...]\n\n"+
			"Runs every lesson (or the named ones: 01, 01-ilqr-recap, notebooks/01-ilqr-recap.ipynb; none for\n"+
			"only the self-checks) in headless\n"+
			"Chromium against kernel/lab.sh and checks errors, figure counts, a live slider and an interrupt.\n\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	o.lessons = flag.Args()
	if o.timeout <= 0 {
		fmt.Fprintf(os.Stderr, "browsertest: -timeout must be positive, got %v\n", o.timeout)
		return 2
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	code, err := runAll(ctx, o)
	if err != nil {
		fmt.Fprintf(os.Stderr, "browsertest: %v\n", err)
	}
	if ctx.Err() != nil {
		fmt.Fprintln(os.Stderr, "browsertest: interrupted")
		return 130
	}
	return code
}

// usageError marks errors in the command line (exit status 2).
type usageError struct{ error }

// runAll sets everything up, runs the checks and prints the summary. It
// returns the exit status.
func runAll(ctx context.Context, o options) (int, error) {
	var err error
	if o.root == "" {
		if o.root, err = moduleRoot(); err != nil {
			return 2, err
		}
	}
	if o.notebooks == "" {
		o.notebooks = filepath.Join(o.root, "notebooks")
	}
	if o.out == "" {
		o.out = filepath.Join(o.root, "build", "browsertest")
	}
	lessons, err := selectLessons(o.notebooks, o.lessons)
	if err != nil {
		var u usageError
		if errors.As(err, &u) {
			return 2, err
		}
		return 1, err
	}
	for _, l := range lessons {
		if _, ok := expected[l]; !ok {
			return 1, fmt.Errorf("lesson %s has no entry in cmd/browsertest/expected.go: add its figure and panel counts", l)
		}
	}
	chromium, err := exec.LookPath(o.chromium)
	if err != nil {
		return 1, fmt.Errorf("no Chromium (%v): install Debian's chromium package (kernel/install.sh does)", err)
	}
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return 1, err
	}
	for _, pat := range []string{"*.jpg", "*.png"} {
		old, _ := filepath.Glob(filepath.Join(o.out, pat))
		for _, f := range old {
			os.Remove(f)
		}
	}

	// The served folder: scratch copies, so autosave cannot touch notebooks/.
	serve, err := os.MkdirTemp("", "rlcontrol-browsertest-")
	if err != nil {
		return 1, err
	}
	defer os.RemoveAll(serve)
	for _, l := range lessons {
		if err := copyFile(filepath.Join(o.notebooks, l+".ipynb"), filepath.Join(serve, l+".ipynb")); err != nil {
			return 1, err
		}
	}
	checks, err := pickSelfChecks(o.self)
	if err != nil {
		return 2, err
	}
	if len(checks) > 0 {
		if err := writeSelfChecks(o.root, serve); err != nil {
			return 1, err
		}
	}

	total := time.Now()
	logPath := filepath.Join(o.out, "lab.log")
	fmt.Printf("browsertest: starting kernel/lab.sh (RLCONTROL_QUICK=1; log %s)\n", logPath)
	srv, err := startLab(ctx, o.root, serve, logPath, 3*time.Minute)
	if err != nil {
		return 1, err
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		_ = srv.shutdownKernels(sctx)
		cancel()
		srv.stop()
	}()
	fmt.Printf("browsertest: server up on %s in %.1fs\n", srv.base, time.Since(total).Seconds())

	chromeLog, err := os.Create(filepath.Join(o.out, "chromium.log"))
	if err != nil {
		return 1, err
	}
	defer chromeLog.Close()
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.NoSandbox, // runs as root in CI
		chromedp.WindowSize(1400, 1000),
		chromedp.CombinedOutput(chromeLog),
	)...)
	defer cancelAlloc()
	browser, cancelBrowser := chromedp.NewContext(allocCtx)
	defer cancelBrowser()
	if err := chromedp.Do(browser); err != nil { // starts the browser
		return 1, fmt.Errorf("starting %s: %w", chromium, err)
	}

	t := &tester{browser: browser, srv: srv, outDir: o.out, timeout: o.timeout, verbose: o.verbose}
	var lines []string
	failed := 0
	report := func(r *result, ok bool, verdict string) {
		status := "ok"
		if !ok {
			status = "FAIL"
			failed++
		}
		line := fmt.Sprintf("%-28s %-4s %6.1fs  %s", r.Name, status, r.Elapsed.Seconds(), verdict)
		lines = append(lines, line)
		fmt.Println("browsertest: " + line)
		for _, n := range r.Notes {
			fmt.Printf("    note: %s\n", n)
		}
		if !ok {
			const most = 8
			for i, f := range r.Failures {
				if i == most {
					fmt.Printf("    … and %d more\n", len(r.Failures)-most)
					break
				}
				fmt.Printf("    %s: %s\n", f.Kind, f.Msg)
			}
			if r.Screenshot != "" {
				fmt.Printf("    screenshot: %s\n", r.Screenshot)
			}
		}
	}

	{
		for _, sc := range checks {
			if ctx.Err() != nil {
				break
			}
			var r *result
			if sc.interrupt {
				r = t.runInterrupt(ctx, sc.name)
			} else {
				r = t.runNotebook(ctx, sc.name, runOptions{Expect: sc.expect, WantFail: sc.failKind != "", Slider: sc.slider, SliderName: sc.sliderName})
			}
			ok, verdict := sc.judge(r)
			report(r, ok, verdict)
		}
	}
	for _, l := range lessons {
		if ctx.Err() != nil {
			break
		}
		want := expected[l]
		want.Figures += o.figureOffset
		r := t.runNotebook(ctx, l, runOptions{
			Expect:     want,
			Slider:     o.slider != "" && matchLesson(l, o.slider),
			SliderName: o.sliderName,
		})
		report(r, len(r.Failures) == 0, fmt.Sprintf("figures %d/%d, panels %d/%d", r.Figures, want.Figures, r.Panels, want.Panels))
	}

	fmt.Println("\nbrowsertest: summary")
	for _, l := range lines {
		fmt.Println("  " + l)
	}
	fmt.Printf("browsertest: total %.1fs; %d of %d failed\n", time.Since(total).Seconds(), failed, len(lines))
	if failed > 0 {
		return 1, nil
	}
	return 0, nil
}

// selfCheck is one run that checks the test itself.
type selfCheck struct {
	name       string      // served notebook name
	expect     expectation // what the test is told to expect
	failKind   string      // "" if the run must pass, else the failure kind it must report (and only it)
	interrupt  bool        // the interrupt check instead of Run All
	slider     bool        // move a slider of its first panel
	sliderName string
}

// selfChecks run before the lessons; see writeSelfChecks for the files.
var selfChecks = []selfCheck{
	{name: "self-figures", expect: expectation{Figures: selfFigures}},
	{name: "self-figures-missing", expect: expectation{Figures: selfFigures}, failKind: kindFigures},
	{name: "self-panic", failKind: kindError},
	{name: "self-compile-error", failKind: kindError},
	{name: "self-interrupt", interrupt: true},
	{name: "self-live", expect: expectation{Figures: 1, Panels: 1}, slider: true, sliderName: "a"},
}

// pickSelfChecks returns the self-checks that spec names: "all", "none"
// (or ""), or a comma-separated list of names without "self-".
func pickSelfChecks(spec string) ([]selfCheck, error) {
	switch spec {
	case "all":
		return selfChecks, nil
	case "none", "":
		return nil, nil
	}
	var out []selfCheck
	for _, n := range strings.Split(spec, ",") {
		i := slices.IndexFunc(selfChecks, func(sc selfCheck) bool { return sc.name == "self-"+strings.TrimSpace(n) })
		if i < 0 {
			var names []string
			for _, sc := range selfChecks {
				names = append(names, strings.TrimPrefix(sc.name, "self-"))
			}
			return nil, usageError{fmt.Errorf("-self: no self-check %q (have %s)", n, strings.Join(names, ", "))}
		}
		out = append(out, selfChecks[i])
	}
	return out, nil
}

// judge says whether the self-check came out as it must.
func (sc selfCheck) judge(r *result) (bool, string) {
	if sc.failKind == "" {
		if len(r.Failures) == 0 {
			if sc.interrupt {
				return true, "interrupted, and the next cell ran"
			}
			if sc.slider {
				return true, fmt.Sprintf("a slider move redrew the figure; Done kept it (figures %d/%d, panels %d/%d)", r.Figures, sc.expect.Figures, r.Panels, sc.expect.Panels)
			}
			return true, fmt.Sprintf("passes, as it should (figures %d/%d)", r.Figures, sc.expect.Figures)
		}
		return false, "should pass"
	}
	kinds := r.kinds()
	if slices.Equal(kinds, []string{sc.failKind}) {
		return true, fmt.Sprintf("fails, as it should: %s", clip(r.Failures[0].Msg, 120))
	}
	if len(kinds) == 0 {
		return false, fmt.Sprintf("passed, but must fail with a %q failure", sc.failKind)
	}
	r.Failures = append(r.Failures, failure{"self", fmt.Sprintf("must fail with a %q failure only, got %v", sc.failKind, kinds)})
	return false, fmt.Sprintf("wrong failure kinds %v", kinds)
}

// writeSelfChecks writes the self-check notebooks into serve:
// kernel/testdata/browser/{figures,interrupt,live}.ipynb, a copy of figures.ipynb
// without its PNG cell, and kernel/testdata/{panic,compile-error}.ipynb.
func writeSelfChecks(root, serve string) error {
	td := filepath.Join(root, "kernel", "testdata")
	for src, dst := range map[string]string{
		"browser/figures.ipynb":   "self-figures.ipynb",
		"browser/interrupt.ipynb": "self-interrupt.ipynb",
		"browser/live.ipynb":      "self-live.ipynb",
		"panic.ipynb":             "self-panic.ipynb",
		"compile-error.ipynb":     "self-compile-error.ipynb",
	} {
		if err := copyFile(filepath.Join(td, src), filepath.Join(serve, dst)); err != nil {
			return err
		}
	}
	b, err := os.ReadFile(filepath.Join(td, "browser", "figures.ipynb"))
	if err != nil {
		return err
	}
	tampered, err := dropCell(b, "browsertest: PNG figure")
	if err != nil {
		return fmt.Errorf("kernel/testdata/browser/figures.ipynb: %w", err)
	}
	return os.WriteFile(filepath.Join(serve, "self-figures-missing.ipynb"), tampered, 0o644)
}

// dropCell returns the notebook nb without the first cell whose source
// contains marker.
func dropCell(nb []byte, marker string) ([]byte, error) {
	var doc map[string]any
	if err := json.Unmarshal(nb, &doc); err != nil {
		return nil, err
	}
	cells, _ := doc["cells"].([]any)
	for i, c := range cells {
		cell, _ := c.(map[string]any)
		var src string
		switch s := cell["source"].(type) {
		case string:
			src = s
		case []any:
			for _, l := range s {
				ls, _ := l.(string)
				src += ls
			}
		}
		if strings.Contains(src, marker) {
			doc["cells"] = slices.Delete(cells, i, i+1)
			return json.MarshalIndent(doc, "", " ")
		}
	}
	return nil, fmt.Errorf("no cell contains %q", marker)
}

// lessonName matches a lesson notebook's file name.
var lessonName = regexp.MustCompile(`^[0-9][0-9]-.*\.ipynb$`)

// selectLessons returns the names (without .ipynb) of the lessons in dir,
// all of them, those that args name, or none for the one argument "none".
func selectLessons(dir string, args []string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("reading the lessons: %w", err)
	}
	var all []string
	for _, e := range entries {
		if !e.IsDir() && lessonName.MatchString(e.Name()) {
			all = append(all, strings.TrimSuffix(e.Name(), ".ipynb"))
		}
	}
	if len(all) == 0 {
		return nil, fmt.Errorf("no lesson notebooks NN-*.ipynb in %s", dir)
	}
	if len(args) == 0 {
		return all, nil
	}
	if len(args) == 1 && args[0] == "none" {
		return nil, nil
	}
	var picked []string
	for _, a := range args {
		var hit []string
		for _, l := range all {
			if matchLesson(l, a) {
				hit = append(hit, l)
			}
		}
		if len(hit) != 1 {
			return nil, usageError{fmt.Errorf("%q names %d lessons in %s, want one (lessons: %s)", a, len(hit), dir, strings.Join(all, ", "))}
		}
		if !slices.Contains(picked, hit[0]) {
			picked = append(picked, hit[0])
		}
	}
	return picked, nil
}

// matchLesson reports whether arg ("01", "01-ilqr-recap", a path to the
// notebook) names lesson (a name without .ipynb).
func matchLesson(lesson, arg string) bool {
	a := strings.TrimSuffix(filepath.Base(arg), ".ipynb")
	return a == lesson || (len(a) == 2 && strings.HasPrefix(lesson, a+"-"))
}

// moduleRoot finds the rlcontrol checkout at or above the working
// directory.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && bytes.Contains(b, []byte("module github.com/rlcontrol/rlcontrol\n")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", usageError{errors.New("not inside the rlcontrol checkout: run from it or pass -root")}
		}
		dir = parent
	}
}

// copyFile copies src to dst.
func copyFile(src, dst string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, b, 0o644)
}
