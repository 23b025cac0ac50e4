// Command figures exports every lesson's figures for slides and papers:
//
//	go run ./cmd/figures -out figures -style slide -formats svg,pdf,png [-quick]
//
// It runs each lesson with its default settings (the same code the
// notebooks call), so the same seed gives the same figures. The full set
// loads the stored full-run results as the notebooks do; -quick shortens the
// runs computed live. -list prints the figure names without running anything.
package main
