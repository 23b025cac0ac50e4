package main

import (
	"fmt"
	"os"
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
// benchmark reported: "µs/iteration" is printed as
// "name_time_per_iteration: v µs", "iterations/solve" as
// "name_iterations_per_solve: v iterations"; and, for benchmarks that report
// iterations per solve or run, the allocations per iteration.
func format(name string, r testing.BenchmarkResult) []string {
	out := []string{
		fmt.Sprintf("%s_time: %.3f ms", name, float64(r.NsPerOp())/1e6),
		fmt.Sprintf("%s_allocs: %d allocs", name, r.AllocsPerOp()),
		fmt.Sprintf("%s_bytes: %d B", name, r.AllocedBytesPerOp()),
	}
	perIter := 0.0
	for unit, v := range r.Extra {
		if unit == "iterations/solve" || unit == "iterations/run" {
			perIter = v
		}
	}
	for _, unit := range sortedKeys(r.Extra) {
		v := r.Extra[unit]
		num, den, ok := strings.Cut(unit, "/")
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("%s_%s: %.4g", name, unit, v))
		case unit == "steps/s":
			out = append(out, fmt.Sprintf("%s_env_steps_per_second: %.0f steps/s", name, v))
		case num == "iterations":
			out = append(out, fmt.Sprintf("%s_iterations_per_%s: %.4g iterations", name, den, v))
		default:
			out = append(out, fmt.Sprintf("%s_time_per_%s: %.4g %s", name, den, v, num))
		}
	}
	if perIter > 0 {
		out = append(out, fmt.Sprintf("%s_allocs_per_iteration: %.3g allocs", name, float64(r.AllocsPerOp())/perIter))
	}
	return out
}

func sortedKeys(m map[string]float64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}
