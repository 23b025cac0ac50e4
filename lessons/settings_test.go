package lessons

import (
	"math"
	"strings"
	"testing"
)

func TestParseFloats(t *testing.T) {
	got, err := ParseFloats("eps", " 0.02, 0.5,2 ,5e1", 1e-6, 1e6)
	if err != nil || len(got) != 4 || got[0] != 0.02 || got[3] != 50 {
		t.Fatalf("got %v, %v", got, err)
	}
	for s, want := range map[string]string{
		"":                       "setting eps is empty",
		"  ":                     "setting eps is empty",
		"0.5,,2":                 `entry 2 "" is not a number`,
		"0.5,abc":                `entry 2 "abc" is not a number`,
		"NaN":                    "entry 1 = NaN is outside",
		"1,Inf":                  "entry 2 = +Inf is outside",
		"0":                      "entry 1 = 0 is outside [1e-06, 1e+06]",
		"2e6":                    "entry 1 = 2e+06 is outside",
		"1e400":                  `entry 1 "1e400" is not a number`,
		strings.Repeat("1,", 40): "41 entries, want at most 32",
	} {
		if _, err := ParseFloats("eps", s, 1e-6, 1e6); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: err = %v, want %q", s, err, want)
		}
	}
}

// FuzzParseFloats: any string gives either an error or at most 32 finite
// numbers within the bounds; never a panic.
func FuzzParseFloats(f *testing.F) {
	for _, s := range []string{"0.02,0.5,2,50", "", ",", "1e400", "NaN", "-0", "0x1p-3", " 7 ,8", "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		vals, err := ParseFloats("eps", s, 1e-6, 1e6)
		if err != nil {
			return
		}
		if len(vals) == 0 || len(vals) > maxListLen {
			t.Fatalf("%q: %d values", s, len(vals))
		}
		for _, v := range vals {
			if math.IsNaN(v) || v < 1e-6 || v > 1e6 {
				t.Fatalf("%q: value %v out of bounds", s, v)
			}
		}
	})
}
