// Command figures exports every lesson's figures for slides and papers:
//
//	go run ./cmd/figures -out figures -style slide -formats svg,pdf,png
//
// It runs each lesson with its default settings (the same code the
// notebooks call), so the same seed gives the same figures.
package main
