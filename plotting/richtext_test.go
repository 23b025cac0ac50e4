package plotting

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The non-ASCII text the lessons put in labels.
const lessonText = "log₁₀ η log₁₀ μ θ θ̇ θ̃ σ ε η ± x² ≤ · — D_KL(p ‖ p̄) Σ⁻¹ 10⁹ Xᵀ −"

func TestGlyphs(t *testing.T) {
	if err := CheckText(lessonText); err != nil {
		t.Error(err)
	}
	err := CheckText("∇ cost")
	if err == nil || !strings.Contains(err.Error(), "U+2207") {
		t.Errorf("CheckText(∇): %v; want an error naming U+2207", err)
	}
	for _, g := range goldenFigures {
		fig, err := g.build()
		if err != nil {
			t.Fatal(err)
		}
		if err := fig.CheckText(); err != nil {
			t.Errorf("%s: %v", g.name, err)
		}
	}
	fig, err := Lines("log₁₀ cost · θ̇ σ ε η ± x² ≤ — Σ⁻¹ 10⁹", "θ̇ [rad/s] — ε ≤ 0.1", "log₁₀ KL ± σ", []float64{0, 1, 2},
		Series{Name: "η², σ·ε, p̄", Y: []float64{1, 2, 3}})
	if err != nil {
		t.Fatal(err)
	}
	if err := fig.CheckText(); err != nil {
		t.Error(err)
	}
	if err := fig.HLine(0, 2, "∇ = 0"); err != nil {
		t.Fatal(err)
	}
	if err := fig.CheckText(); err == nil || !strings.Contains(err.Error(), "panel 0") {
		t.Errorf("CheckText with ∇ in a reference label: %v", err)
	}
	// Subscripts are drawn as small ordinary digits: the SVG holds "10".
	svg := string(fig.mustSVG(t))
	if !strings.Contains(svg, ">10<") || strings.Contains(svg, "₁₀") {
		t.Error("log₁₀ not drawn as log with a subscript 10")
	}
	if dir := os.Getenv("PLOTTING_TEST_OUT"); dir != "" {
		fig.WithStyle(Slide).Save(filepath.Join(dir, "glyphs.png"))
	}
}

func TestPieces(t *testing.T) {
	got := pieces("log₁₀ θ̇x")
	want := []piece{{"log", normal}, {"10", sub}, {" ", normal}, {"θ", normal}, {"˙", accent}, {"x", normal}}
	if len(got) != len(want) {
		t.Fatalf("pieces = %v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("piece %d = %v, want %v", i, got[i], want[i])
		}
	}
}
