// Command figures exports every lesson's figures for slides and papers:
//
//	go run ./cmd/figures -out figures -style slide -formats svg,pdf,png [-quick]
//
// It runs each lesson with its default settings (the same code the
// notebooks call), so the same seed gives the same figures. The full set
// takes several minutes (lesson 04 trains TRPO on 3 seeds); -quick uses the
// shortened runs of the tests.
package main
