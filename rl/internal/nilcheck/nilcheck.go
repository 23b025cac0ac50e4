// Package nilcheck is the one test for "no value" that the rl packages run
// on interface arguments before they call a method on them.
package nilcheck

import "reflect"

// IsNil reports whether v is nil, or a nil pointer, slice, map, func or
// channel behind an interface (a typed nil, whose methods would panic).
func IsNil(v any) bool {
	rv := reflect.ValueOf(v)
	if !rv.IsValid() {
		return true
	}
	switch rv.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Map, reflect.Func, reflect.Chan, reflect.Interface:
		return rv.IsNil()
	}
	return false
}
