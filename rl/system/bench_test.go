package system

import "testing"

func benchStep(b *testing.B, s System, x, u []float64) {
	next := make([]float64, s.StateDim())
	b.ReportAllocs()
	for b.Loop() {
		if err := s.Step(next, x, u); err != nil {
			b.Fatal(err)
		}
	}
}

func benchJacobians(b *testing.B, s System, x, u []float64) {
	n, m := s.StateDim(), s.ActionDim()
	A, B := make([]float64, n*n), make([]float64, n*m)
	b.ReportAllocs()
	for b.Loop() {
		if err := s.Jacobians(A, B, x, u); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPendulumStep(b *testing.B) {
	benchStep(b, NewPendulum(), []float64{1, 0.5}, []float64{1})
}

func BenchmarkPendulumJacobians(b *testing.B) {
	benchJacobians(b, NewPendulum(), []float64{1, 0.5}, []float64{1})
}

func BenchmarkCartPoleStep(b *testing.B) {
	benchStep(b, NewCartPole(), []float64{0.1, 0.2, 0.3, 0.4}, []float64{1})
}

func BenchmarkCartPoleJacobians(b *testing.B) {
	benchJacobians(b, NewCartPole(), []float64{0.1, 0.2, 0.3, 0.4}, []float64{1})
}

func BenchmarkArm2LinkStep(b *testing.B) {
	benchStep(b, NewArm2Link(), []float64{0.1, 0.2, 0.3, 0.4}, []float64{1, -1})
}

func BenchmarkArm2LinkJacobians(b *testing.B) {
	benchJacobians(b, NewArm2Link(), []float64{0.1, 0.2, 0.3, 0.4}, []float64{1, -1})
}

func BenchmarkPointMassStep(b *testing.B) {
	benchStep(b, NewPointMass(), []float64{0.1, 0.2, 0.3, 0.4}, []float64{1, -1})
}

func BenchmarkPointMassJacobians(b *testing.B) {
	benchJacobians(b, NewPointMass(), []float64{0.1, 0.2, 0.3, 0.4}, []float64{1, -1})
}

func BenchmarkDoubleIntegratorStep(b *testing.B) {
	benchStep(b, NewDoubleIntegrator(), []float64{0.1, 0.2}, []float64{1})
}

func BenchmarkDoubleIntegratorJacobians(b *testing.B) {
	benchJacobians(b, NewDoubleIntegrator(), []float64{0.1, 0.2}, []float64{1})
}

func BenchmarkPendulumRender48(b *testing.B) {
	p := NewPendulum()
	img := make([]float64, 48*48)
	b.ReportAllocs()
	for b.Loop() {
		if err := p.Render(img, 48, 48, []float64{1, 0}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPointMassRender40(b *testing.B) {
	p := NewPointMass()
	p.Obstacles = []Circle{{1, 1, 0.5}, {-1, 0, 0.7}}
	img := make([]float64, 40*40)
	b.ReportAllocs()
	for b.Loop() {
		if err := p.Render(img, 40, 40, []float64{0, 0, 0, 0}); err != nil {
			b.Fatal(err)
		}
	}
}
