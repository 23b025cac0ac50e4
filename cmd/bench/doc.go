// Command bench prints the project's headline performance figures, one per
// line as "name: value unit", for `make bench`:
//
//	go run ./cmd/bench
//
// Each figure comes from testing.Benchmark over the same code the lessons
// run. Machines here are noisy: compare ratios measured in one run, not
// absolute numbers across runs.
package main
