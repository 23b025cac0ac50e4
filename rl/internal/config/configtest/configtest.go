// Package configtest holds the table tests that every config struct's
// WithDefaults method gets (see package config): the zero value gives the
// documented defaults, WithDefaults is idempotent, and each invalid value
// is an error naming the field and the value.
package configtest

import (
	"reflect"
	"strings"
	"testing"
)

// Defaults checks that withDefaults(zero) is want, and that applying
// withDefaults again changes nothing. Pass the method expression, e.g.
// configtest.Defaults(t, ilqr.Config.WithDefaults, ilqr.Config{}, want).
// Func-valued fields must be nil in zero and want.
func Defaults[C any](t testing.TB, withDefaults func(C) (C, error), zero, want C) {
	t.Helper()
	got, err := withDefaults(zero)
	if err != nil {
		t.Fatalf("%T: WithDefaults of %+v: %v", zero, zero, err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%T: WithDefaults of %+v\n got %+v\nwant %+v", zero, zero, got, want)
	}
	again, err := withDefaults(got)
	if err != nil {
		t.Fatalf("%T: WithDefaults of its own result: %v", zero, err)
	}
	if !reflect.DeepEqual(again, got) {
		t.Errorf("%T: WithDefaults is not idempotent:\n once %+v\ntwice %+v", zero, got, again)
	}
}

// Invalid checks that withDefaults rejects every config in cases with an
// error containing its key (the field and its value, e.g.
// "Config.MuFactor = 0.5").
func Invalid[C any](t testing.TB, withDefaults func(C) (C, error), cases map[string]C) {
	t.Helper()
	for want, c := range cases {
		_, err := withDefaults(c)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%T %+v: err = %v, want one containing %q", c, c, err, want)
		}
	}
}

// Valid checks that withDefaults accepts every config and returns it
// with the fields check inspects as documented.
func Valid[C any](t testing.TB, withDefaults func(C) (C, error), configs []C, check func(in, out C) string) {
	t.Helper()
	for _, c := range configs {
		out, err := withDefaults(c)
		if err != nil {
			t.Errorf("%T %+v rejected: %v", c, c, err)
			continue
		}
		if check != nil {
			if msg := check(c, out); msg != "" {
				t.Errorf("%T %+v: %s", c, c, msg)
			}
		}
	}
}
