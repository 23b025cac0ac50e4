// Package badtest runs the bad-input table tests of the rl packages: every
// case calls an exported function with one bad argument and must get, within
// a timeout, an error naming the argument and its value (or, for a function
// without an error result, the panic its doc comment documents) — never
// another panic, a silent non-finite result or a hang.
package badtest

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"
)

// Timeout is how long a case may take before it counts as a hang.
const Timeout = 5 * time.Second

// Case is one bad input. Class groups the cases ("nan" for silent NaN/Inf,
// "nil", "ragged", "oversized", "hang"); the subtest is Class/Name.
type Case struct {
	Class, Name string
	// Call returns the error of the function under test, or one of its own
	// naming what is wrong with a result that came back without an error
	// (see Finite).
	Call func() error
	// Want lists what the error (or the documented panic) must mention; nil
	// means Call must return nil.
	Want []string
	// Panics marks a function without an error result whose doc comment
	// documents a panic: Call must panic with a message mentioning Want.
	Panics bool
}

// Err is the case of a function that must return an error mentioning
// every part of want.
func Err(class, name string, call func() error, want ...string) Case {
	return Case{Class: class, Name: name, Call: call, Want: want}
}

// OK is the case of a call that must return nil: one that checks a result
// itself (a valid MDP, say) and accepts no error.
func OK(class, name string, call func() error) Case {
	return Case{Class: class, Name: name, Call: call}
}

// Panic is the case of a function without an error result that must
// panic, as its doc comment says, with a message mentioning every part of
// want.
func Panic(class, name string, call func(), want ...string) Case {
	return Case{Class: class, Name: name, Call: func() error { call(); return nil }, Want: want, Panics: true}
}

// Run runs every case as the subtest Class/Name and fails it on a panic
// that is not documented, a hang (no answer within Timeout; the call's
// goroutine is left behind), a missing error, or an error or panic that
// does not mention Want.
func Run(t *testing.T, cases []Case) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.Class+"/"+c.Name, func(t *testing.T) {
			done := make(chan string, 1)
			go func() {
				defer func() {
					if r := recover(); r != nil {
						done <- c.judgePanic(fmt.Sprint(r))
					}
				}()
				done <- c.judge(c.Call())
			}()
			select {
			case msg := <-done:
				if msg != "" {
					t.Error(msg)
				}
			case <-time.After(Timeout):
				t.Errorf("no answer within %v", Timeout)
			}
		})
	}
}

// judge returns what is wrong with err as the answer of c ("" if nothing).
func (c Case) judge(err error) string {
	switch {
	case c.Panics:
		return fmt.Sprintf("no panic (err = %v)", err)
	case c.Want == nil && err != nil:
		return err.Error()
	case c.Want != nil && err == nil:
		return "no error"
	case c.Want != nil && !mentions(err.Error(), c.Want):
		return fmt.Sprintf("error %q does not mention %q", err, c.Want)
	}
	return ""
}

// judgePanic returns what is wrong with a panic with message msg.
func (c Case) judgePanic(msg string) string {
	switch {
	case !c.Panics:
		return "panic: " + msg
	case !mentions(msg, c.Want):
		return fmt.Sprintf("panic %q does not mention %q", msg, c.Want)
	}
	return ""
}

func mentions(s string, parts []string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

// Finite returns err if it is not nil, and otherwise an error naming the
// first non-finite value of v (a result returned without an error), or
// nil.
func Finite(err error, what string, v ...float64) error {
	if err != nil {
		return err
	}
	for i, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("%s[%d] = %v is not finite", what, i, x)
		}
	}
	return nil
}

// FiniteRows is Finite for a table.
func FiniteRows(err error, what string, x [][]float64) error {
	for i, row := range x {
		if err := Finite(err, fmt.Sprintf("%s[%d]", what, i), row...); err != nil {
			return err
		}
	}
	return err
}
