package nilcheck

import "testing"

type s struct{}

func (*s) M() {}

type m interface{ M() }

func TestIsNil(t *testing.T) {
	var p *s
	var i m = p
	var f func()
	for name, c := range map[string]struct {
		v    any
		want bool
	}{
		"nil": {nil, true}, "typed nil pointer": {i, true}, "nil func": {f, true}, "nil slice": {[]int(nil), true},
		"value": {s{}, false}, "pointer": {&s{}, false}, "int": {0, false}, "empty slice": {[]int{}, false},
	} {
		if got := IsNil(c.v); got != c.want {
			t.Errorf("%s: IsNil = %v, want %v", name, got, c.want)
		}
	}
}
