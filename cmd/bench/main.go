package main

import (
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/rlcontrol/rlcontrol/lessons"
)

func main() {
	for _, bm := range lessons.Benchmarks() {
		r := testing.Benchmark(bm.Run)
		if r.N == 0 {
			fmt.Fprintf(os.Stderr, "bench: %s did not run (its set-up failed)\n", bm.Name)
			os.Exit(1)
		}
		for _, line := range format(bm.Name, r) {
			fmt.Println(line)
		}
	}
}

// format turns a benchmark result into "name: value unit" lines: time,
// allocations and bytes per operation, then every extra metric the
// benchmark reported: a time per unit such as "µs/iteration" is printed as
// "name_time_per_iteration: v µs", a count per unit such as
// "iterations/solve" as "name_iterations_per_solve: v iterations"; and,
// for benchmarks that report iterations per solve or run, the allocations
// per iteration.
func format(name string, r testing.BenchmarkResult) []string {
	out := []string{
		fmt.Sprintf("%s_time: %.3f ms", name, float64(r.NsPerOp())/1e6),
		fmt.Sprintf("%s_allocs: %d allocs", name, r.AllocsPerOp()),
		fmt.Sprintf("%s_bytes: %d B", name, r.AllocedBytesPerOp()),
	}
	perIter := r.Extra["iterations/solve"] + r.Extra["iterations/run"] // at most one is reported
	for _, unit := range slices.Sorted(maps.Keys(r.Extra)) {
		v := r.Extra[unit]
		num, den, ok := strings.Cut(unit, "/")
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("%s_%s: %.4g", name, unit, v))
		case unit == "steps/s":
			out = append(out, fmt.Sprintf("%s_env_steps_per_second: %.0f steps/s", name, v))
		case num == "ns" || num == "µs" || num == "ms" || num == "s":
			out = append(out, fmt.Sprintf("%s_time_per_%s: %.4g %s", name, den, v, num))
		default: // a count per operation: "iterations/solve", "eta_evaluations/update"
			out = append(out, fmt.Sprintf("%s_%s_per_%s: %.4g %s", name, num, den, v, strings.ReplaceAll(num, "_", " ")))
		}
	}
	if perIter > 0 {
		out = append(out, fmt.Sprintf("%s_allocs_per_iteration: %.3g allocs", name, float64(r.AllocsPerOp())/perIter))
	}
	return out
}
