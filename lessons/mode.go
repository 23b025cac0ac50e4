package lessons

import (
	"fmt"
	"os"
	"strings"
)

// The environment variables that set a lesson's mode. In a notebook, switch
// them with GoNB's %env, e.g. `%env RLCONTROL_QUICK=1`; every later cell
// sees the new value.
const (
	// QuickEnv = "1" shortens the runs a lesson computes live (fewer seeds
	// and iterations, same code), as the quick test run does.
	QuickEnv = "RLCONTROL_QUICK"
	// RecomputeEnv = "1" makes Stored results compute again instead of
	// loading the stored full run.
	RecomputeEnv = "RLCONTROL_RECOMPUTE"
)

// Quick reports whether lessons run shortened (RLCONTROL_QUICK=1).
func Quick() bool { return os.Getenv(QuickEnv) == "1" }

// Recompute reports whether stored full-run results are recomputed
// (RLCONTROL_RECOMPUTE=1) instead of loaded.
func Recompute() bool { return os.Getenv(RecomputeEnv) == "1" }

// ModeName is "quick mode" or "full mode".
func ModeName() string {
	if Quick() {
		return "quick mode"
	}
	return "full mode"
}

// ModeLine is the line a lesson prints at the top of a cell's output that
// computes something whose size depends on the mode, so every output says
// which mode made it.
func ModeLine() string {
	if Quick() {
		return fmt.Sprintf("[quick mode: shortened runs; `%%env %s=0` for the full lesson]", QuickEnv)
	}
	return "[full mode]"
}

// QuickTitle appends " (quick mode)" to a figure title when quick is set,
// so a figure made by a shortened run says so.
func QuickTitle(title string, quick bool) string {
	if quick && !strings.HasSuffix(title, "(quick mode)") {
		return title + " (quick mode)"
	}
	return title
}
