package plotting

import (
	"strings"
	"testing"
)

func TestShowAs(t *testing.T) {
	svgs, _ := fakeNotebook(t, true, nil)
	var htmls []string
	old := displayHTML
	t.Cleanup(func() { displayHTML = old })
	displayHTML = func(s string) { htmls = append(htmls, s) }
	fig, _ := figBands()
	if err := fig.ShowAs("01-bands"); err != nil {
		t.Fatal(err)
	}
	if len(htmls) != 1 || !strings.HasPrefix(htmls[0], `<figure data-figure="01-bands"`) ||
		!strings.Contains(htmls[0], "<svg") || strings.Contains(htmls[0], "<?xml") {
		t.Errorf("ShowAs displayed %d HTML outputs, want one named <figure> holding the SVG", len(htmls))
	}
	if len(*svgs) != 1 || (*svgs)[0] != "sync" {
		t.Errorf("ShowAs did not sync after displaying")
	}
	for _, bad := range []string{"", "Upper", "has space", "-lead", "a/b", strings.Repeat("a", 81)} {
		if err := fig.ShowAs(bad); err == nil || !strings.Contains(err.Error(), "figure name") {
			t.Errorf("ShowAs(%q) = %v, want an error naming the figure name", bad, err)
		}
	}
	if len(htmls) != 1 {
		t.Errorf("a bad name still displayed something")
	}
}
