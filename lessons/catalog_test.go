package lessons

import (
	"encoding/json"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// notebookCells returns the cells of a notebook file: their kind and text.
func notebookCells(path string) (kinds, texts []string, err error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	var nb struct {
		Cells []struct {
			Type   string          `json:"cell_type"`
			Source json.RawMessage `json:"source"`
		} `json:"cells"`
	}
	if err := json.Unmarshal(b, &nb); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	for i, c := range nb.Cells {
		var text string
		if err := json.Unmarshal(c.Source, &text); err != nil { // nbformat writes a list of lines
			var lines []string
			if err := json.Unmarshal(c.Source, &lines); err != nil {
				return nil, nil, fmt.Errorf("%s: cell %d: source is neither a string nor a list of strings", path, i)
			}
			text = strings.Join(lines, "")
		}
		kinds = append(kinds, c.Type)
		texts = append(texts, text)
	}
	return kinds, texts, nil
}

var space = regexp.MustCompile(`\s+`)

// oneLine collapses every run of white space to one space.
func oneLine(s string) string { return strings.TrimSpace(space.ReplaceAllString(s, " ")) }

// controlsLine returns the paragraph of a markdown text that starts with
// "**Controls" ("**Controls:**" or "**Controls.**"), on one line, or "".
func controlsLine(md string) string {
	var para []string
	for _, l := range strings.Split(md, "\n") {
		switch {
		case para == nil && strings.HasPrefix(l, "**Controls"):
			para = append(para, l)
		case para != nil && strings.TrimSpace(l) == "":
			return oneLine(strings.Join(para, " "))
		case para != nil:
			para = append(para, l)
		}
	}
	return oneLine(strings.Join(para, " "))
}

// checkCatalog compares the catalogue with the lesson notebooks in nbDir
// (NN-*.ipynb): every notebook has one entry and every entry a notebook;
// an entry's title is the notebook's first heading; its controls are the
// lesson's panel's (Panel is what a live.Show line of the notebook passes),
// each named in the "**Controls" paragraph of the first markdown cell,
// which also says Where. It returns every disagreement.
func checkCatalog(nbDir string, cat []Lesson) []string {
	var bad []string
	files, _ := filepath.Glob(filepath.Join(nbDir, "[0-9][0-9]-*.ipynb"))
	if len(files) == 0 {
		return []string{"no notebooks NN-*.ipynb in " + nbDir}
	}
	seen := map[string]bool{}
	for _, l := range cat {
		if seen[l.Number] {
			bad = append(bad, fmt.Sprintf("lesson %s is in the catalogue twice", l.Number))
		}
		seen[l.Number] = true
		if !strings.HasPrefix(l.Notebook, l.Number+"-") {
			bad = append(bad, fmt.Sprintf("lesson %s: notebook %q does not start with its number", l.Number, l.Notebook))
		}
		if !slices.Contains(files, filepath.Join(nbDir, l.Notebook)) {
			bad = append(bad, fmt.Sprintf("lesson %s: the catalogue's notebook %s is not in %s", l.Number, l.Notebook, nbDir))
		}
		if l.Topic == "" || l.Teaches == "" || l.Full <= 0 || l.Quick <= 0 {
			bad = append(bad, fmt.Sprintf("lesson %s: empty topic or description, or a run time that is not positive (%d s, %d s)", l.Number, l.Full, l.Quick))
		}
	}
	for _, f := range files {
		name := filepath.Base(f)
		i := slices.IndexFunc(cat, func(l Lesson) bool { return l.Notebook == name })
		if i < 0 {
			bad = append(bad, fmt.Sprintf("notebook %s is not in the catalogue (lessons.Catalog)", name))
			continue
		}
		l := cat[i]
		kinds, texts, err := notebookCells(f)
		if err != nil {
			bad = append(bad, err.Error())
			continue
		}
		first := slices.Index(kinds, "markdown")
		if first < 0 {
			bad = append(bad, name+": no markdown cell")
			continue
		}
		h1, _, _ := strings.Cut(texts[first], "\n")
		if want := "# " + l.Title; h1 != want {
			bad = append(bad, fmt.Sprintf("%s: the catalogue's title %q, but the notebook's heading is %q", name, l.Title, strings.TrimPrefix(h1, "# ")))
		}
		line := controlsLine(texts[first])
		if len(l.Mentions) != len(l.Controls) {
			bad = append(bad, fmt.Sprintf("%s: %d controls but %d mentions in the catalogue", name, len(l.Controls), len(l.Mentions)))
		}
		if line == "" && (len(l.Controls) > 0 || l.Panel != "") {
			bad = append(bad, fmt.Sprintf("%s: the catalogue lists controls, but the first markdown cell has no \"**Controls:**\" line", name))
		}
		if line != "" && len(l.Controls) == 0 {
			bad = append(bad, fmt.Sprintf("%s: the notebook has a Controls line, but the catalogue lists no controls: %q", name, line))
		}
		if line != "" && !strings.Contains(strings.ToLower(line), strings.ToLower(l.Where)) {
			bad = append(bad, fmt.Sprintf("%s: the Controls line does not say %q: %q", name, l.Where, line))
		}
		for j, m := range l.Mentions {
			if !strings.Contains(line, oneLine(m)) {
				c := "?"
				if j < len(l.Controls) {
					c = l.Controls[j].Name
				}
				bad = append(bad, fmt.Sprintf("%s: control %s: the Controls line does not name it as %q: %q", name, c, m, line))
			}
		}
		if l.Panel != "" {
			found := false
			for k, t := range texts {
				for _, code := range strings.Split(t, "\n") {
					if kinds[k] == "code" && strings.Contains(code, "live.Show(") && strings.Contains(code, l.Panel) {
						found = true
					}
				}
			}
			if !found {
				bad = append(bad, fmt.Sprintf("%s: no live.Show line of the notebook passes %s", name, l.Panel))
			}
		}
	}
	return bad
}

// readmeLessons parses the README's "## Lessons" table: notebook name →
// its cells (notebook, topic, what it shows, full run, quick).
func readmeLessons(readme string) (map[string][]string, error) {
	_, after, ok := strings.Cut(readme, "\n## Lessons\n")
	if !ok {
		return nil, fmt.Errorf("README has no \"## Lessons\" section")
	}
	rows := map[string][]string{}
	for _, l := range strings.Split(after, "\n") {
		if strings.HasPrefix(l, "## ") {
			break
		}
		if !strings.HasPrefix(l, "| `") {
			continue
		}
		// Cells are split at each '|' that is not escaped as `\|`.
		const bar = "\x00"
		cells := strings.Split(strings.Trim(strings.ReplaceAll(strings.TrimSpace(l), `\|`, bar), "|"), "|")
		for i, c := range cells {
			cells[i] = strings.TrimSpace(strings.ReplaceAll(c, bar, `\|`))
		}
		if len(cells) != 5 {
			return nil, fmt.Errorf("README Lessons row has %d cells, want 5: %s", len(cells), l)
		}
		rows[strings.Trim(cells[0], "`")] = cells
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("README's Lessons section has no table rows")
	}
	return rows, nil
}

// checkReadme compares the README's Lessons table with the catalogue: one
// row per lesson, with the catalogue's topic and run times.
func checkReadme(readme string, cat []Lesson) []string {
	rows, err := readmeLessons(readme)
	if err != nil {
		return []string{err.Error()}
	}
	var bad []string
	seconds := func(s string) int {
		n, err := strconv.Atoi(strings.TrimSuffix(s, " s"))
		if err != nil || !strings.HasSuffix(s, " s") {
			return -1
		}
		return n
	}
	for _, l := range cat {
		r, ok := rows[l.Notebook]
		if !ok {
			bad = append(bad, fmt.Sprintf("README's Lessons table has no row for %s", l.Notebook))
			continue
		}
		delete(rows, l.Notebook)
		if r[1] != l.Topic {
			bad = append(bad, fmt.Sprintf("%s: README's topic %q, the catalogue's %q", l.Notebook, r[1], l.Topic))
		}
		if full, quick := seconds(r[3]), seconds(r[4]); full != l.Full || quick != l.Quick {
			bad = append(bad, fmt.Sprintf("%s: README's times %q and %q, the catalogue's %d s and %d s", l.Notebook, r[3], r[4], l.Full, l.Quick))
		}
	}
	for n := range rows {
		bad = append(bad, fmt.Sprintf("README's Lessons table lists %s, which is not in the catalogue", n))
	}
	slices.Sort(bad)
	return bad
}

// checkPackages compares Packages with the folders of root: every package
// under rl/ (outside internal folders) is listed, and every listed folder
// holds Go files.
func checkPackages(root string, pkgs []Package) []string {
	var bad []string
	listed := map[string]bool{}
	for _, p := range pkgs {
		if listed[p.Dir] {
			bad = append(bad, "package "+p.Dir+" listed twice")
		}
		listed[p.Dir] = true
		if p.About == "" {
			bad = append(bad, "package "+p.Dir+" has no line")
		}
		if files, _ := filepath.Glob(filepath.Join(root, p.Dir, "*.go")); len(files) == 0 {
			bad = append(bad, fmt.Sprintf("package %s: no Go files in %s", p.Dir, filepath.Join(root, p.Dir)))
		}
	}
	for _, d := range []string{"plotting", "live", "lessons"} {
		if !listed[d] {
			bad = append(bad, "package "+d+" is not listed")
		}
	}
	filepath.WalkDir(filepath.Join(root, "rl"), func(path string, d os.DirEntry, err error) error {
		if err != nil {
			bad = append(bad, err.Error())
			return nil
		}
		if d.IsDir() && (d.Name() == "internal" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() {
			rel, _ := filepath.Rel(root, path)
			files, _ := filepath.Glob(filepath.Join(path, "*.go"))
			code := slices.ContainsFunc(files, func(f string) bool { return !strings.HasSuffix(f, "_test.go") })
			if code && !listed[filepath.ToSlash(rel)] {
				bad = append(bad, "package "+filepath.ToSlash(rel)+" is not listed in lessons.Packages")
			}
		}
		return nil
	})
	return bad
}

func TestCatalog(t *testing.T) {
	for _, p := range checkCatalog("../notebooks", Catalog()) {
		t.Error(p)
	}
}

func TestCatalogReadme(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range checkReadme(string(b), Catalog()) {
		t.Error(p)
	}
}

func TestCatalogPackages(t *testing.T) {
	for _, p := range checkPackages("..", Packages()) {
		t.Error(p)
	}
}

func TestCatalogCheckout(t *testing.T) {
	root, err := Checkout()
	if err != nil {
		t.Fatal(err)
	}
	want, _ := filepath.Abs("..")
	if root != want {
		t.Errorf("Checkout() = %s, want %s", root, want)
	}
}

func TestCatalogHTML(t *testing.T) {
	h := CatalogHTML()
	for _, l := range Catalog() {
		for _, s := range []string{`href="` + l.Notebook + `"`, fmt.Sprintf("%d s", l.Full), fmt.Sprintf("%d s", l.Quick)} {
			if !strings.Contains(h, s) {
				t.Errorf("CatalogHTML lacks %q", s)
			}
		}
		for _, c := range l.Controls {
			if c.Label == "" || !strings.Contains(h, html.EscapeString(c.Label)) {
				t.Errorf("CatalogHTML lacks lesson %s's control label %q", l.Number, c.Label)
			}
		}
		for _, m := range l.Mentions {
			p := plainMarkdown(m)
			if strings.ContainsAny(p, `$\*_`) || !strings.Contains(h, html.EscapeString(p)) {
				t.Errorf("lesson %s: control %q shows as %q", l.Number, m, p)
			}
		}
	}
	for _, no := range []string{"<svg", "<img"} { // the browser test counts these as figures
		if strings.Contains(h, no) {
			t.Errorf("CatalogHTML contains %s", no)
		}
	}
}

// The checks above, each against a tampered copy of its input: each must
// find the one thing changed, and the untampered copy must pass.
func TestCatalogChecksCatchTampering(t *testing.T) {
	copyNotebooks := func(t *testing.T, edit func(dir string)) string {
		dir := t.TempDir()
		files, _ := filepath.Glob("../notebooks/[0-9][0-9]-*.ipynb")
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if edit != nil {
			edit(dir)
		}
		return dir
	}
	replaceIn := func(t *testing.T, path, old, new string) {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), old) {
			t.Fatalf("%s has no %q to tamper with", path, old)
		}
		if err := os.WriteFile(path, []byte(strings.Replace(string(b), old, new, 1)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	wantOne := func(t *testing.T, problems []string, substr string) {
		t.Helper()
		if len(problems) != 1 || !strings.Contains(problems[0], substr) {
			t.Errorf("want one problem mentioning %q, got %q", substr, problems)
		}
	}
	cat := Catalog()

	t.Run("untampered", func(t *testing.T) {
		if p := checkCatalog(copyNotebooks(t, nil), cat); len(p) > 0 {
			t.Errorf("a faithful copy fails: %q", p)
		}
	})
	t.Run("title", func(t *testing.T) {
		dir := copyNotebooks(t, func(dir string) {
			replaceIn(t, filepath.Join(dir, "03-trust-regions.ipynb"), "# Lesson 03 — Trust regions", "# Lesson 03 — Trust-region methods")
		})
		wantOne(t, checkCatalog(dir, cat), "Trust-region methods")
	})
	t.Run("control not in the Controls line", func(t *testing.T) {
		dir := copyNotebooks(t, func(dir string) {
			replaceIn(t, filepath.Join(dir, "01-ilqr-recap.ipynb"), "the control cost $r$", "the cost weight")
		})
		wantOne(t, checkCatalog(dir, cat), "control r:")
	})
	t.Run("where", func(t *testing.T) {
		dir := copyNotebooks(t, func(dir string) {
			replaceIn(t, filepath.Join(dir, "02-local-models.ipynb"), "on sliders in section 5", "on sliders in section 6")
		})
		wantOne(t, checkCatalog(dir, cat), `"section 5"`)
	})
	t.Run("panel", func(t *testing.T) {
		dir := copyNotebooks(t, func(dir string) {
			replaceIn(t, filepath.Join(dir, "06-guided-policy-search.ipynb"), "lessons.GPSControls()", "myControls()")
		})
		wantOne(t, checkCatalog(dir, cat), "lessons.GPSControls()")
	})
	t.Run("lesson missing from the catalogue", func(t *testing.T) {
		dir := copyNotebooks(t, func(dir string) {
			b, _ := os.ReadFile(filepath.Join(dir, "00-start-here.ipynb"))
			os.WriteFile(filepath.Join(dir, "08-new.ipynb"), b, 0o644)
		})
		wantOne(t, checkCatalog(dir, cat), "08-new.ipynb is not in the catalogue")
	})
	t.Run("notebook missing", func(t *testing.T) {
		dir := copyNotebooks(t, func(dir string) { os.Remove(filepath.Join(dir, "05-dagger-plato.ipynb")) })
		wantOne(t, checkCatalog(dir, cat), "05-dagger-plato.ipynb is not in")
	})

	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	t.Run("README time", func(t *testing.T) {
		l := cat[1]
		row := fmt.Sprintf("| %d s | %d s |", l.Full, l.Quick)
		i := strings.Index(readme, "`"+l.Notebook+"`")
		j := strings.Index(readme[i:], row)
		if i < 0 || j < 0 {
			t.Fatalf("README has no row for %s ending %q", l.Notebook, row)
		}
		tampered := readme[:i+j] + fmt.Sprintf("| %d s | %d s |", l.Full+1, l.Quick) + readme[i+j+len(row):]
		wantOne(t, checkReadme(tampered, cat), l.Notebook+": README's times")
	})
	t.Run("README row missing", func(t *testing.T) {
		i := strings.Index(readme, "| `04-trpo.ipynb`")
		j := strings.Index(readme[i:], "\n")
		wantOne(t, checkReadme(readme[:i]+readme[i+j+1:], cat), "no row for 04-trpo.ipynb")
	})
	t.Run("catalogue time", func(t *testing.T) {
		c := Catalog()
		c[7].Quick++
		wantOne(t, checkReadme(readme, c), "07-embed-to-control.ipynb: README's times")
	})

	t.Run("package not listed", func(t *testing.T) {
		root := t.TempDir()
		var pkgs []Package
		for _, p := range Packages() {
			os.MkdirAll(filepath.Join(root, p.Dir), 0o755)
			os.WriteFile(filepath.Join(root, p.Dir, "x.go"), []byte("package x\n"), 0o644)
			pkgs = append(pkgs, p)
		}
		if p := checkPackages(root, pkgs); len(p) > 0 {
			t.Errorf("a faithful tree fails: %q", p)
		}
		wantOne(t, checkPackages(root, append(pkgs, Package{"rl/gone", "no such"})), "package rl/gone: no Go files")
		os.MkdirAll(filepath.Join(root, "rl", "newpkg"), 0o755)
		os.WriteFile(filepath.Join(root, "rl", "newpkg", "x.go"), []byte("package newpkg\n"), 0o644)
		wantOne(t, checkPackages(root, pkgs), "rl/newpkg is not listed")
	})
}
