// Command browsertest checks the lessons the way a student meets them: in a
// real browser, against the real notebook server.
//
// It starts kernel/lab.sh (the server `make lab` starts) on a free loopback
// port with a fresh token and RLCONTROL_QUICK=1 in its environment, serving
// scratch copies of the notebooks from a temporary folder (so that autosave
// never writes outputs into notebooks/), and drives Debian's chromium
// headless with chromedp. chromedp starts the installed binary and
// downloads nothing.
//
// For every lesson notebooks/NN-*.ipynb (or those named on the command
// line, as "01", "01-ilqr-recap" or a path) it opens the notebook in classic
// Notebook, waits for the GoNB kernel, runs all cells, clicks the Done
// button of every live control panel (`.rlc-live .rlc-done`) that shows up,
// waits until the kernel is idle and every code cell has an execution
// count, and then checks that
//   - no cell shows an error output, nor a stderr block that reports a
//     panic, a fatal error, a non-zero exit status or an error;
//   - the lesson shows exactly the expected number of figures (SVG and IMG
//     elements in cell outputs, outside control panels; see expected.go)
//     and the expected number of live control panels;
//   - no transient control output (.rlc-live, .rlc-figure) is left after
//     Done.
//
// On one lesson (-slider, default 01) it moves a slider of the first
// control panel and checks that the figure in `.rlc-figure` is redrawn
// (its data-values and its content change, and the slider's shown value
// changes) before it clicks Done; a screenshot of the panel in use is kept.
//
// Before the lessons it checks itself on the notebooks in
// kernel/testdata/browser and kernel/testdata (-self): a notebook with two
// figures passes; a copy with one figure cell removed fails its figure
// count; a panicking notebook and one with a compile error fail as errors;
// a cell sleeping for an hour is interrupted (Kernel → Interrupt), after
// which the next cell runs and prints; and a small package-live panel
// redraws its figure when its slider moves and keeps it after Done.
//
// With -notebooks DIR it runs the lessons of another folder (a tampered
// copy, say), and -expect-figures-offset N shifts every lesson's expected
// figure count: both are ways to see the test fail.
//
// On a failure it saves a full-page screenshot under build/browsertest/
// and names the notebook and cell. It prints the time each notebook took
// and the total, stops the server (its whole process group) at the end,
// also on failure and on Ctrl-C, and exits with status 1 if any check
// failed, 2 on usage errors.
//
// Usage:
//
//	go run ./cmd/browsertest [flags] [LESSON...]
//
// `make browser-test` runs it with no arguments.
package main
