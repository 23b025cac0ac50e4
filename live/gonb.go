package live

import (
	"fmt"
	"os"
	"strings"

	"github.com/janpfeifer/gonb/gonbui"
	"github.com/janpfeifer/gonb/gonbui/comms"
)

// gonbFrontend shows a panel in a GoNB notebook: two transient outputs
// (controls and figure) updated in place with gonbui.UpdateHTML, messages
// from the browser on one comms address.
type gonbFrontend struct {
	id        string
	address   string
	panelOut  string // display ids of the transient outputs
	figureOut string
	listen    *comms.AddressChan[string]
	events    chan string
	quit      chan struct{}
	// panelShown and figureShown say which transient outputs exist, so
	// that final erases only those (an erased one that never existed would
	// leave an empty output in the notebook).
	panelShown, figureShown bool
}

func newFrontend() frontend {
	id := gonbui.UniqueID()
	return &gonbFrontend{id: "rlc-live-" + id, address: "/rlcontrol/live/" + id,
		panelOut: "rlc_panel_" + id, figureOut: "rlc_figure_" + id}
}

func (g *gonbFrontend) live() bool { return gonbui.IsNotebook && !headlessEnv() }

// start subscribes to the panel's address (which asks GoNB to connect the
// browser) and forwards its messages until stop.
func (g *gonbFrontend) start() <-chan string {
	g.listen = comms.Listen[string](g.address)
	g.events, g.quit = make(chan string), make(chan struct{})
	go func() {
		defer close(g.events)
		for msg := range g.listen.C {
			select {
			case g.events <- msg:
			case <-g.quit:
				return
			}
		}
	}()
	return g.events
}

func (g *gonbFrontend) panel(html string) {
	html = strings.ReplaceAll(html, "{{ROOT}}", g.id)
	html = strings.ReplaceAll(html, "{{ADDRESS}}", g.address)
	gonbui.UpdateHTML(g.panelOut, html)
	gonbui.Sync()
	g.panelShown = true
}

func (g *gonbFrontend) figure(html string) {
	gonbui.UpdateHTML(g.figureOut, strings.ReplaceAll(html, "{{ROOT}}", g.id))
	g.figureShown = true
	gonbui.Sync()
}

func (g *gonbFrontend) final(html string) {
	if gonbui.IsNotebook {
		if g.panelShown {
			gonbui.UpdateHTML(g.panelOut, "")
		}
		if g.figureShown {
			gonbui.UpdateHTML(g.figureOut, "")
		}
		gonbui.DisplayHTML(html)
		gonbui.Sync()
	}
}

func (g *gonbFrontend) note(msg string) { fmt.Fprintln(os.Stderr, msg) }

// kick sends a value to the panel's address, which nobody in the page
// listens to: GoNB checks its connection to the page before it forwards
// any message, and re-installs it when it finds it dead.
func (g *gonbFrontend) kick() { comms.Send(g.address, "kick") }

func (g *gonbFrontend) stop() {
	if g.listen != nil {
		close(g.quit)
		g.listen.Close()
	}
}
