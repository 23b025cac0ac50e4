package lessons

import (
	"errors"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/janpfeifer/gonb/gonbui"
	"github.com/rlcontrol/rlcontrol/live"
	"github.com/rlcontrol/rlcontrol/plotting"
	"gonum.org/v1/gonum/mat"
)

// Lesson is one lesson notebook as the landing notebook
// (notebooks/00-start-here.ipynb) lists it. TestCatalog checks every field
// against the notebook's source (notebooks/src) and the README's Lessons
// table, so the catalogue cannot drift from the lessons.
type Lesson struct {
	// Number is the lesson's two-digit number, "00" … "07".
	Number string
	// Notebook is the notebook's file name in notebooks/, e.g.
	// "01-ilqr-recap.ipynb".
	Notebook string
	// Title is the notebook's first heading, as written there (without
	// the "# ").
	Title string
	// Topic is the short name of the README's Lessons table ("topic").
	Topic string
	// Teaches says in a sentence or two what the lesson teaches.
	Teaches string
	// Panel is the call that the lesson's live.Show cell makes for its
	// controls, as written in the cell (e.g. "lessons.SwingUpControls()");
	// empty for a notebook without a control panel.
	Panel string
	// Controls are the controls Panel returns, in order: their labels are
	// what the sliders show.
	Controls []live.Control
	// Mentions say, in the order of Controls, how the lesson's
	// "**Controls:**" line (in its first markdown cell) names each control,
	// as written there (markdown).
	Mentions []string
	// Where is where the panel is, as the Controls line says it
	// ("section 7").
	Where string
	// Full and Quick are the lesson's run times in seconds, full and quick
	// mode: one kernel/run-notebooks run (Run All, kernel start and
	// compilation included) in a clean-clone `make test` on a 2-core
	// machine (the landing notebook's: `make notebooks NB=…` runs), as the
	// README's Lessons table states them.
	Full, Quick int
}

// StartHere is the landing notebook's number.
const StartHere = "00"

// Catalog returns every lesson notebook, in order, the landing notebook
// first. Each call builds the list afresh (the controls too), so a caller
// may change what it gets.
func Catalog() []Lesson {
	return []Lesson{
		{
			Number:   StartHere,
			Notebook: "00-start-here.ipynb",
			Title:    "Start here: deep RL and control in Go notebooks",
			Topic:    "Start here",
			Teaches: "This page: what each lesson teaches and how long it runs, how to run a lesson, " +
				"how to export figures for slides, and where the library's code is.",
			Full: 8, Quick: 8,
		},
		{
			Number:   "01",
			Notebook: "01-ilqr-recap.ipynb",
			Title:    "Lesson 01 — iLQR, the recap",
			Topic:    "iLQR, the recap",
			Teaches: "Rebuilds iLQR from the LQR backward pass (checked against rl/lqr): why it needs a line search and " +
				"regularisation, a torque-limited pendulum swing-up, and MPC keeping a cart-pole up on a plant that differs from its model.",
			Panel:    "lessons.SwingUpControls()",
			Controls: SwingUpControls(),
			Mentions: []string{"the horizon $T$", "the control cost $r$"},
			Where:    "section 7",
			Full:     23, Quick: 31,
		},
		{
			Number:   "02",
			Notebook: "02-local-models.ipynb",
			Title:    "Lesson 02 — Learning local models",
			Topic:    "Learning local models",
			Teaches: "Fits time-varying linear dynamics from rollouts around a trajectory — least squares, Bayesian regression, " +
				"a GMM/normal-inverse-Wishart prior and a neural-network prior — and measures how many rollouts a prior saves in the sample → fit → improve loop.",
			Panel:    "lessons.PriorLoopControls()",
			Controls: PriorLoopControls(),
			Mentions: []string{"rollouts per iteration $N$", "the GMM prior's strength"},
			Where:    "section 5",
			Full:     36, Quick: 35,
		},
		{
			Number:   "03",
			Notebook: "03-trust-regions.ipynb",
			Title:    "Lesson 03 — Trust regions for trajectory optimisation",
			Topic:    "Trust regions for trajectory optimisation",
			Teaches: "Bounds each trajectory update by a KL divergence: the maximum-entropy controller Σ = Q̃uu⁻¹, the KL between " +
				"trajectory distributions as one between controllers, dual gradient descent on η, what ε does, and step-size adaptation.",
			Panel:    "lessons.EpsilonControls()",
			Controls: EpsilonControls(),
			Mentions: []string{"the KL bound per step $\\epsilon$"},
			Where:    "section 4",
			Full:     35, Quick: 36,
		},
		{
			Number:   "04",
			Notebook: "04-trpo.ipynb",
			Title:    "Lesson 04 — Trust Region Policy Optimization",
			Topic:    "Trust Region Policy Optimization",
			Teaches: "The policy-improvement identity and bounds, checked exactly on a small MDP; the surrogate, Fisher-vector " +
				"products and conjugate gradient; TRPO on the pendulum against natural and vanilla policy gradient.",
			Panel:    "lessons.TRPODeltaControl()",
			Controls: []live.Control{TRPODeltaControl()},
			Mentions: []string{"δ, the trust-region size"},
			Where:    "section 6",
			Full:     32, Quick: 41,
		},
		{
			Number:   "05",
			Notebook: "05-dagger-plato.ipynb",
			Title:    "Lesson 05 — DAgger and PLATO: imitating local controllers",
			Topic:    "DAgger and PLATO",
			Teaches: "Turns an MPC expert into one neural-network policy: behaviour cloning and its drift, DAgger's expert queries " +
				"and policy executions, PLATO's adaptive teacher, and what observability at train and test time changes.",
			Panel:    "lessons.ImitationControls()",
			Controls: ImitationControls(),
			Mentions: []string{"DAgger's $\\beta$ schedule", "PLATO's $\\lambda$"},
			Where:    "end of section 5",
			Full:     65, Quick: 48,
		},
		{
			Number:   "06",
			Notebook: "06-guided-policy-search.ipynb",
			Title:    "Lesson 06 — Guided policy search",
			Topic:    "Guided policy search",
			Teaches: "Dual gradient descent and the augmented Lagrangian, then the GPS loop (a KL-bounded trajectory step with fitted " +
				"dynamics, policy regression, a dual step) and mirror-descent GPS, against a nearest-neighbour policy on unseen starts.",
			Panel:    "lessons.GPSControls()",
			Controls: GPSControls(),
			Mentions: []string{"first penalty weight $\\rho_0$", "the KL bound $\\varepsilon$"},
			Where:    "end of section 3",
			Full:     71, Quick: 36,
		},
		{
			Number:   "07",
			Notebook: "07-embed-to-control.ipynb",
			Title:    "Lesson 07 — Embed to Control: optimal control from raw images",
			Topic:    "Embed to Control",
			Teaches: "Learns from images a latent space where the dynamics are locally linear — the loss term by term, a small model " +
				"trained live beside stored full runs — and plans in it with iLQR, against VAE and autoencoder baselines.",
			Panel:    "lessons.E2CControls()",
			Controls: E2CControls(),
			Mentions: []string{"**λ**, the weight of the transition term", "the **latent dimension**"},
			Where:    "Section 4",
			Full:     54, Quick: 34,
		},
	}
}

// CatalogHTML returns the catalogue as an HTML table for the landing
// notebook: each lesson with a link to its notebook (relative, so it opens
// from the notebook server's page), what it teaches, its live controls as
// its Controls line names them (the slider's own label on hover) and where
// they are, and its measured run times.
func CatalogHTML() string {
	var b strings.Builder
	b.WriteString(`<table class="rlc-catalog" style="border-collapse:collapse">` +
		`<thead><tr><th style="text-align:left">notebook</th><th style="text-align:left">what it teaches</th>` +
		`<th style="text-align:left">live controls</th><th>full run</th><th>quick</th></tr></thead><tbody>`)
	td := `<td style="text-align:left;vertical-align:top">`
	for _, l := range Catalog() {
		controls := "—"
		if len(l.Controls) > 0 {
			names := make([]string, len(l.Controls))
			for i, c := range l.Controls {
				name := c.Name
				if i < len(l.Mentions) {
					name = plainMarkdown(l.Mentions[i])
				}
				names[i] = fmt.Sprintf(`<span title="slider: %s">%s</span>`, html.EscapeString(c.Label), html.EscapeString(name))
			}
			controls = strings.Join(names, "<br>") + "<br><i>" + html.EscapeString(l.Where) + "</i>"
		}
		fmt.Fprintf(&b, `<tr>%s<a href="%s" target="_blank"><b>%s</b></a><br>%s</td>%s%s</td><td style="text-align:left;vertical-align:top;min-width:12em">%s</td>`+
			`<td style="vertical-align:top">%d s</td><td style="vertical-align:top">%d s</td></tr>`,
			td, html.EscapeString(l.Notebook), html.EscapeString(l.Number), html.EscapeString(l.Topic),
			td, html.EscapeString(l.Teaches), controls, l.Full, l.Quick)
	}
	b.WriteString("</tbody></table>")
	return b.String()
}

// plainMarkdown turns the bits of markdown and TeX that the lessons'
// Controls lines use into plain text: $\epsilon$ → ε, $\rho_0$ → ρ₀,
// **λ** → λ.
func plainMarkdown(s string) string {
	return strings.NewReplacer(
		`\varepsilon`, "ε", `\epsilon`, "ε", `\beta`, "β", `\lambda`, "λ", `\rho`, "ρ", `\delta`, "δ", `\eta`, "η",
		"_0", "₀", "$", "", "**", "", "*", "",
	).Replace(s)
}

// ShowCatalog displays CatalogHTML in a GoNB cell; outside a notebook it
// prints one line per lesson instead.
func ShowCatalog() {
	if !gonbui.IsNotebook {
		for _, l := range Catalog() {
			fmt.Printf("%s  %-42s full %3d s, quick %3d s\n", l.Number, l.Topic, l.Full, l.Quick)
		}
		return
	}
	gonbui.DisplayHtml(CatalogHTML())
	gonbui.Sync()
}

// Package is one package of the library, for the landing notebook's map
// of the code.
type Package struct {
	// Dir is the package's folder relative to the checkout ("rl/lqr").
	Dir string
	// About says in one line what is in it.
	About string
}

// Packages returns the library's packages — every package under rl/, then
// plotting, live and lessons — each with one line on what it holds.
// TestPackages checks that it lists every package of rl/ and that each
// folder exists.
func Packages() []Package {
	return []Package{
		{"rl/system", "dynamical systems with exact Jacobians (pendulum, cart-pole, arm, point mass, …); rollouts"},
		{"rl/cost", "costs with their first and second derivatives"},
		{"rl/lqr", "the LQR backward pass, linear-Gaussian controllers and dynamics, the KL between controllers"},
		{"rl/ilqr", "iLQR with known dynamics (line search, regularisation, box-QP limits) and MPC"},
		{"rl/dynfit", "local dynamics fitting: least squares, Bayesian regression, GMM and neural-network priors"},
		{"rl/trajopt", "the local-model loop: sample, fit, KL-constrained update (η search), step adaptation"},
		{"rl/constrained", "dual gradient descent, the augmented Lagrangian, 1-D dual searches"},
		{"rl/nn", "the GoMLX multilayer perceptron (fit, predict, Jacobians, checkpoints)"},
		{"rl/mlx", "the one place the GoMLX backend (pure Go) is chosen"},
		{"rl/env", "RL environments: the Gym pendulum, a continuous cart-pole, vectorised copies"},
		{"rl/policy", "Gaussian MLP policy and value function, batched rollouts"},
		{"rl/trpo", "TRPO, natural and vanilla policy gradient (GAE, conjugate gradient, Fisher products)"},
		{"rl/tabular", "exact TRPO theory on small MDPs: the identity, the bounds, CPI"},
		{"rl/imitation", "imitation tasks and the MPC expert; behaviour cloning, DAgger, PLATO"},
		{"rl/gps", "guided policy search: augmented Lagrangian GPS, MDGPS, a nearest-neighbour policy"},
		{"rl/e2c", "Embed to Control: image data, the model and its loss, training, latent iLQR and MPC"},
		{"plotting", "the figures: gonum/plot, shown inline, exported as SVG, PDF or PNG"},
		{"live", "live controls in a cell: sliders, selects and Done, redrawing a figure in place"},
		{"lessons", "each lesson's scenarios, figures, exercises and stored full runs (what the cells call)"},
	}
}

// Checkout returns the folder of the rlcontrol checkout this code was
// compiled from: in a notebook, the one the kernel's go.work uses, whose
// files a student can open. It fails, naming the folder, if that folder
// has no go.mod of this module (a build with -trimpath has no such path).
func Checkout() (string, error) {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "", errors.New("lessons: Checkout: no caller information")
	}
	root := filepath.Dir(filepath.Dir(file))
	if !filepath.IsAbs(root) {
		return "", fmt.Errorf("lessons: Checkout: compiled with relative path %q (-trimpath?): no checkout to point to", file)
	}
	b, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		return "", fmt.Errorf("lessons: Checkout: %w", err)
	}
	if !strings.Contains(string(b), "module github.com/rlcontrol/rlcontrol\n") {
		return "", fmt.Errorf("lessons: Checkout: %s is not the github.com/rlcontrol/rlcontrol module", filepath.Join(root, "go.mod"))
	}
	return root, nil
}

// LessonTimes is the landing notebook's scenario: the catalogue's run
// times as a figure, the one the notebook exports as its demo.
type LessonTimes struct{}

// LessonTimesOutcome holds the lessons the figure shows (01 onwards).
type LessonTimesOutcome struct {
	Lessons []Lesson
}

// Run collects the lessons; it computes nothing.
func (LessonTimes) Run() (Outcome, error) {
	var out LessonTimesOutcome
	for _, l := range Catalog() {
		if l.Number != StartHere {
			out.Lessons = append(out.Lessons, l)
		}
	}
	return &out, nil
}

// Figures returns "00-lesson-times": each lesson's full and quick run
// time, in seconds, as a labelled heatmap.
func (o *LessonTimesOutcome) Figures() ([]NamedFigure, error) {
	return collect(step{"00-lesson-times", func() (*plotting.Figure, error) {
		m := mat.NewDense(len(o.Lessons), 2, nil)
		rows := make([]string, len(o.Lessons))
		for i, l := range o.Lessons {
			m.Set(i, 0, float64(l.Full))
			m.Set(i, 1, float64(l.Quick))
			rows[i] = l.Number + " " + l.Topic
		}
		return plotting.HeatmapLabeled("Run time of each lesson (Run All, 2 cores)", "", "", m, plotting.HeatmapOptions{
			RowLabels:  rows,
			ColLabels:  []string{"full run", "quick mode"},
			Values:     "%.0f s",
			ColorLabel: "seconds",
		})
	}})
}

func init() {
	register(StartHere, LessonTimes{}, "00-lesson-times")
}
