package config

import (
	"math"
	"strings"
)

// Or sets *v to def when *v is the zero value of T. It is the "zero
// selects the default" step of a WithDefaults method:
//
//	config.Or(&c.MaxIter, 200)
//	config.Or(&c.Tol, 1e-7)
//
// For an interface-typed field T must be given explicitly
// (config.Or[Fitter](&c.Fitter, LeastSquares{})); a nil interface is its
// zero value.
func Or[T comparable](v *T, def T) {
	var zero T
	if *v == zero {
		*v = def
	}
}

// OrSlice sets *v to a copy of def when *v is nil (an empty non-nil slice
// is kept: it is a setting, not an omission).
func OrSlice[S ~[]E, E any](v *S, def S) {
	if *v == nil {
		*v = append(S{}, def...)
	}
}

// Positive reports whether v is finite and > 0.
func Positive(v float64) bool { return v > 0 && !math.IsInf(v, 1) }

// NonNegative reports whether v is finite and ≥ 0.
func NonNegative(v float64) bool { return v >= 0 && !math.IsInf(v, 1) }

// Finite reports whether v is neither NaN nor ±Inf.
func Finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// Nested wraps err, the error of a nested config's WithDefaults, with the
// path of the field that holds it. When err's message starts with the same
// package prefix as path, the prefix is not repeated:
//
//	Nested("ilqr: MPCConfig.ILQR", err) // ilqr: MPCConfig.ILQR: Config.MaxIter = -1, want > 0
//	Nested("trpo: Config.Value", err)   // trpo: Config.Value: policy: ValueFitConfig.Epochs = -1, want ≥ 1
//
// errors.Is and errors.As see err. Nested(path, nil) is nil.
func Nested(path string, err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if pkg, _, ok := strings.Cut(path, ": "); ok {
		msg = strings.TrimPrefix(msg, pkg+": ")
	}
	return &nestedError{msg: path + ": " + msg, err: err}
}

type nestedError struct {
	msg string
	err error
}

func (e *nestedError) Error() string { return e.msg }
func (e *nestedError) Unwrap() error { return e.err }
