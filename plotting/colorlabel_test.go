package plotting

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestHeatmapColorLabel(t *testing.T) {
	m := mat.NewDense(3, 4, []float64{0.1, 0.2, 0.4, 0.8, 0.3, 0.5, 0.9, 1.2, 0.2, 0.6, 1.1, 1.6})
	const lab = "final angle error (rad)"
	for _, st := range []Style{Notebook, Slide, Paper} {
		fig, err := HeatmapLabeled("Swing-up sweep", "control weight r", "horizon T", m, HeatmapOptions{ColorLabel: lab})
		if err != nil {
			t.Fatal(err)
		}
		fig.WithStyle(st)
		svg := fig.mustSVG(t)
		if !bytes.Contains(svg, []byte(">"+lab+"<")) {
			t.Errorf("%s: SVG lacks the colour label %q", st.Name, lab)
		}
		if dir := os.Getenv("PLOTTING_TEST_OUT"); dir != "" {
			fig.Save(filepath.Join(dir, "colorlabel_"+st.Name+".png"))
		}
	}
	// Without a label the figure is as before.
	fig, err := Heatmap("K", "state", "control", m)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(fig.mustSVG(t), []byte(lab)) {
		t.Error("label drawn without ColorLabel")
	}
}
