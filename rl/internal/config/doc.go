// Package config holds the helpers shared by the WithDefaults methods of
// every configuration struct in rl/.
//
// The one pattern is a value method on each config type,
//
//	func (c X) WithDefaults() (X, error)
//
// that returns a copy of c with each zero field set to the default its doc
// comment gives (with Or), then validates the copy and returns an error that
// names the first invalid field and its value, e.g.
//
//	ilqr: Config.MuFactor = 0.5, want > 1
//
// Every function that takes a config calls WithDefaults first, and
// WithDefaults is idempotent: a config it returned comes back unchanged.
// Where zero is a meaningful setting that a default would hide, the field's
// doc says how to reach it (for example, as with net.Dialer.KeepAlive, a
// negative value selecting zero); otherwise zero is simply not allowed
// besides selecting the default.
package config
