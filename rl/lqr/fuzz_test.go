package lqr

import (
	"encoding/binary"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// fuzzReader turns a fuzz input into numbers: mostly small ones (a signed
// byte / 16), and after a marker byte ≥ 224 a raw float64 (NaN, ±Inf, huge
// or subnormal values included). An exhausted input reads as zeros.
type fuzzReader []byte

func (r *fuzzReader) float() float64 {
	b := *r
	switch {
	case len(b) >= 9 && b[0] >= 224:
		*r = b[9:]
		return math.Float64frombits(binary.LittleEndian.Uint64(b[1:9]))
	case len(b) >= 2:
		*r = b[2:]
		return float64(int8(b[1])) / 16
	}
	*r = nil
	return 0
}

func (r *fuzzReader) dense(rows, cols int, sym bool) *mat.Dense {
	d := mat.NewDense(rows, cols, nil)
	for i := 0; i < rows; i++ {
		for j := 0; j < cols; j++ {
			switch {
			case sym && j < i:
				d.Set(i, j, d.At(j, i))
			case sym && j == i:
				d.Set(i, j, 1+math.Abs(r.float())) // mostly positive definite
			default:
				d.Set(i, j, r.float())
			}
		}
	}
	return d
}

func (r *fuzzReader) vec(k int) *mat.VecDense {
	v := mat.NewVecDense(k, nil)
	for i := 0; i < k; i++ {
		v.SetVec(i, r.float())
	}
	return v
}

// FuzzBackward: on random small problems (n ≤ 4, m ≤ 3, T ≤ 5, entries
// that may be NaN, infinite, huge or tiny, a random μ and, half the time,
// random box bounds) Solver.Backward never panics and returns either an
// error or a solution whose every number is finite; Solution.Rollout of it
// is an error or a finite trajectory and cost.
func FuzzBackward(f *testing.F) {
	f.Add(uint8(2), uint8(1), uint8(3), 0.0, false, []byte{})
	f.Add(uint8(2), uint8(1), uint8(3), 0.5, true, []byte{0, 16, 0, 1, 0, 32, 0, 250, 0, 0, 0, 8})
	f.Add(uint8(1), uint8(1), uint8(2), 0.0, false, []byte{255, 0, 0, 0, 0, 0, 0, 0xf8, 0x7f})                                // NaN first
	f.Add(uint8(1), uint8(1), uint8(4), 1e-3, false, []byte{230, 0, 0, 0, 0, 0, 0, 0xf0, 0x7f})                               // +Inf first
	f.Add(uint8(2), uint8(2), uint8(3), 0.0, true, []byte{240, 0x5d, 0x9b, 0x7c, 0x2b, 0x58, 0xe9, 0x78, 0x69, 0, 3, 0, 200}) // 1e200
	f.Fuzz(func(t *testing.T, n8, m8, T8 uint8, mu float64, boxed bool, data []byte) {
		n, m, T := 1+int(n8%4), 1+int(m8%3), 1+int(T8%5)
		r := fuzzReader(data)
		p := &Problem{}
		for s := 0; s < T; s++ {
			p.Steps = append(p.Steps, Step{
				A: r.dense(n, n, false), B: r.dense(n, m, false), Offset: r.vec(n),
				Cxx: r.dense(n, n, true), Cuu: r.dense(m, m, true), Cux: r.dense(m, n, false),
				Cx: r.vec(n), Cu: r.vec(m), C0: r.float(),
			})
		}
		p.Final = Final{Cxx: r.dense(n, n, true), Cx: r.vec(n), C0: r.float()}
		opt := Options{Mu: mu}
		if boxed {
			for s := 0; s < T; s++ {
				lo, hi := r.vec(m), r.vec(m)
				opt.Lower, opt.Upper = append(opt.Lower, lo), append(opt.Upper, hi)
			}
		}
		s, err := NewSolver(n, m, T)
		if err != nil {
			t.Fatal(err)
		}
		sol, err := s.Backward(p, opt)
		if err != nil {
			return
		}
		for t0 := 0; t0 <= T; t0++ {
			fs := []field{{"V", raw64(sol.V[t0])}, {"Vx", vraw(sol.Vx[t0])}, {"V0", sol.V0[t0 : t0+1]}}
			if t0 < T {
				fs = append(fs, field{"K", raw64(sol.K[t0])}, field{"Kff", vraw(sol.Kff[t0])}, field{"Quu", raw64(sol.Quu[t0])})
			}
			if name, i, v := firstBad(fs...); name != "" {
				t.Fatalf("Backward returned %s[%d] entry %d = %v without an error", name, t0, i, v)
			}
		}
		if d := sol.DV1 + sol.DV2; math.IsNaN(d) || math.IsInf(d, 0) {
			t.Fatalf("Backward returned DV1 = %v, DV2 = %v without an error", sol.DV1, sol.DV2)
		}
		x0 := make([]float64, n)
		for i := range x0 {
			x0[i] = r.float()
		}
		tr, J, err := sol.Rollout(p, x0)
		if err != nil {
			return
		}
		if math.IsNaN(J) || math.IsInf(J, 0) {
			t.Fatalf("Rollout returned J = %v without an error", J)
		}
		for t0, x := range tr.X {
			if i := nonFinite(x); i >= 0 {
				t.Fatalf("Rollout returned x_%d[%d] = %v without an error", t0, i, x[i])
			}
		}
	})
}
