package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMatchLesson(t *testing.T) {
	for _, c := range []struct {
		arg  string
		want bool
	}{
		{"01", true},
		{"01-ilqr-recap", true},
		{"01-ilqr-recap.ipynb", true},
		{"notebooks/01-ilqr-recap.ipynb", true},
		{"02", false},
		{"0", false},
		{"01-ilqr", false},
		{"", false},
	} {
		if got := matchLesson("01-ilqr-recap", c.arg); got != c.want {
			t.Errorf("matchLesson(01-ilqr-recap, %q) = %v, want %v", c.arg, got, c.want)
		}
	}
}

func TestSelectLessons(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"01-a.ipynb", "02-b.ipynb", "notes.ipynb", "03-c.txt"} {
		if err := os.WriteFile(filepath.Join(dir, f), []byte("{}"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	all, err := selectLessons(dir, nil)
	if err != nil || strings.Join(all, ",") != "01-a,02-b" {
		t.Fatalf("all lessons: %v, %v; want 01-a,02-b", all, err)
	}
	some, err := selectLessons(dir, []string{"02", "notebooks/02-b.ipynb", "01-a"})
	if err != nil || strings.Join(some, ",") != "02-b,01-a" {
		t.Fatalf("picked: %v, %v; want 02-b,01-a", some, err)
	}
	if _, err := selectLessons(dir, []string{"07"}); err == nil || !strings.Contains(err.Error(), `"07" names 0 lessons`) {
		t.Fatalf("unknown lesson: err = %v", err)
	}
}

func TestDropCell(t *testing.T) {
	nb := `{"cells": [{"cell_type": "code", "source": ["a\n", "// keep"]},
		{"cell_type": "code", "source": "// browsertest: PNG figure\nx"},
		{"cell_type": "code", "source": ["// browsertest: PNG figure too"]}], "nbformat": 4}`
	out, err := dropCell([]byte(nb), "browsertest: PNG figure")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Cells []struct {
			Source any `json:"source"`
		} `json:"cells"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Cells) != 2 {
		t.Fatalf("%d cells left, want 2 (only the first match dropped): %s", len(doc.Cells), out)
	}
	if _, err := dropCell([]byte(nb), "no such text"); err == nil {
		t.Error("dropCell with an absent marker: no error")
	}
	if _, err := dropCell([]byte("not json"), "x"); err == nil {
		t.Error("dropCell of bad JSON: no error")
	}
}

func TestStderrFailure(t *testing.T) {
	for s, want := range map[string]bool{
		"panic: runtime error: index out of range [3] with length 0": true,
		"goroutine 1 [running]:\npanic: worker failed":               true,
		"fatal error: all goroutines are asleep - deadlock!":         true,
		"exit status 1":                         true,
		"exit status 0":                         false,
		"2024/01/02 settings: error: bad value": true,
		"Error: no such file":                   true,
		"a warning on stderr is not an error":   false,
		"warning: slow step":                    false,
	} {
		if got := stderrFailure.MatchString(s); got != want {
			t.Errorf("stderrFailure(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestJudge(t *testing.T) {
	missing := selfCheck{name: "m", expect: expectation{Figures: 2}, failKind: kindFigures}
	r := &result{Failures: []failure{{kindFigures, "shows 1 figure(s), want 2"}}}
	if ok, _ := missing.judge(r); !ok {
		t.Error("a figures failure where one is wanted: judged bad")
	}
	r = &result{Failures: []failure{{kindFigures, "x"}, {kindError, "y"}}}
	if ok, _ := missing.judge(r); ok {
		t.Error("an extra error failure: judged good")
	}
	if ok, _ := missing.judge(&result{}); ok {
		t.Error("no failure where one is wanted: judged good")
	}
	pass := selfCheck{name: "p", expect: expectation{Figures: 2}}
	if ok, _ := pass.judge(&result{Figures: 2}); !ok {
		t.Error("a clean run that must pass: judged bad")
	}
	if ok, _ := pass.judge(r); ok {
		t.Error("a failing run that must pass: judged good")
	}
}

func TestClip(t *testing.T) {
	if got := clip("a  b\n c", 10); got != "a b c" {
		t.Errorf("clip = %q", got)
	}
	if got := clip("ééé", 3); got != "é…" {
		t.Errorf("clip on a rune boundary = %q, want %q", got, "é…")
	}
}

// Every lesson in notebooks/ has an expectation (the test fails otherwise).
func TestEveryLessonExpected(t *testing.T) {
	lessons, err := selectLessons(filepath.Join("..", "..", "notebooks"), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range lessons {
		if _, ok := expected[l]; !ok {
			t.Errorf("lesson %s has no entry in expected", l)
		}
	}
}
