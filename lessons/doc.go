// Package lessons holds the scenarios and figure functions of the lesson
// notebooks. A notebook cell calls these functions so that what it shows is
// the same code that `go test ./lessons` checks, `make bench` times and
// `make figures` exports.
//
// Each lesson has a settings struct whose zero value reproduces the lesson
// as written (the "defaults"), so a student can change one field — the
// horizon, a cost weight — and rerun the cell to see what changes.
package lessons
