package live

import (
	"encoding/json"
	"fmt"
	"html"
	"strings"
)

// The panel's look: large enough to read on a projector, plain enough for
// a slide.
const panelStyle = `font:15px sans-serif;border:1px solid #ccc;border-radius:6px;padding:8px 12px;margin:4px 0;max-width:720px;background:#fafafa`

// panelHTML is the controls of a live panel, with the script that wires
// them to the Go program through GoNB's gonb_comm (address and root id are
// filled in by the front-end, see gonb.go: "{{ADDRESS}}", "{{ROOT}}").
func panelHTML(title string, controls []Control, v Values) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<div class="rlc-live" id="{{ROOT}}" data-state="starting" style="%s">`, panelStyle)
	if title != "" {
		fmt.Fprintf(&b, `<div style="font-weight:bold;margin-bottom:6px">%s</div>`, html.EscapeString(title))
	}
	b.WriteString(`<table style="border-collapse:collapse">`)
	for i, c := range controls {
		name := html.EscapeString(c.Name)
		fmt.Fprintf(&b, `<tr><td style="padding:3px 10px 3px 0;text-align:right">%s</td><td style="padding:3px 0;white-space:nowrap">`, html.EscapeString(c.Label))
		switch c.kind {
		case sliderKind:
			labels, _ := json.Marshal(c.labels) // strings: cannot fail
			fmt.Fprintf(&b, `<input type="range" class="rlc-slider" data-name="%s" min="0" max="%d" step="1" value="%d" data-labels="%s" style="display:inline-block;width:260px;vertical-align:middle"> `,
				name, c.Positions()-1, v.pos[i], html.EscapeString(string(labels)))
			fmt.Fprintf(&b, `<span class="rlc-value" data-name="%s" style="display:inline-block;min-width:5em;font-family:monospace">%s</span>`,
				name, html.EscapeString(c.label(v.pos[i])))
		case selectKind:
			fmt.Fprintf(&b, `<select class="rlc-select" data-name="%s">`, name)
			for j, o := range c.labels {
				sel := ""
				if j == v.pos[i] {
					sel = " selected"
				}
				fmt.Fprintf(&b, `<option value="%d"%s>%s</option>`, j, sel, html.EscapeString(o))
			}
			b.WriteString(`</select>`)
		}
		b.WriteString(`</td></tr>`)
	}
	b.WriteString(`</table>`)
	b.WriteString(`<div style="margin-top:6px"><button class="rlc-done" style="font-size:15px;padding:2px 14px">Done</button> <span class="rlc-hint" style="color:#777;font-size:13px">move a control to recompute; Done keeps the figure in the notebook</span></div>`)
	b.WriteString(`</div>`)
	b.WriteString("<script>" + panelJS + "</script>")
	return b.String()
}

// panelJS wires the controls: every move sends "set NAME POSITION", Done
// sends "done" and disables the panel, and "ready", repeated until the
// figure output carries data-ready="1" (for up to about 40 s), tells the
// program a browser is there. GoNB installs gonb_comm when the program
// first subscribes and may re-install it, losing messages: the script
// re-sends the settings while the figure output's data-want differs from
// them, and "done" until the cell ends.
const panelJS = `(() => {
  const root = document.getElementById("{{ROOT}}");
  const addr = "{{ADDRESS}}";
  if (!root) { return; }
  // GoNB's gonb_comm may be replaced (re-installed) while the panel lives:
  // always send through the current one.
  const send = (msg) => {
    const comm = globalThis.gonb_comm;
    if (!comm) { return false; }
    try { comm.send(addr, msg); return true; } catch (e) { return false; }
  };
  const figure = () => document.querySelector('.rlc-figure[data-panel="{{ROOT}}"]');
  const heard = () => { const f = figure(); return f !== null && f.dataset.ready === "1"; };
  // The settings the page shows, as the program writes them (data-want).
  const wanted = () => Array.from(root.querySelectorAll("input.rlc-slider, select.rlc-select")).map((e) => {
    const text = e.tagName === "SELECT" ? e.options[e.selectedIndex].text : JSON.parse(e.dataset.labels)[e.value];
    return e.dataset.name + "=" + text;
  }).join(" ");
  const sendAll = () => root.querySelectorAll("input.rlc-slider, select.rlc-select").forEach((e) => send("set " + e.dataset.name + " " + e.value));
  root.querySelectorAll("input.rlc-slider").forEach((s) => {
    const shown = root.querySelector('span.rlc-value[data-name="' + s.dataset.name + '"]');
    const labels = JSON.parse(s.dataset.labels);
    let sent = s.value;
    const update = () => {
      if (shown && labels[s.value] !== undefined) { shown.textContent = labels[s.value]; }
      s.setAttribute("value", s.value);
      if (s.value !== sent) { sent = s.value; send("set " + s.dataset.name + " " + s.value); }
    };
    s.addEventListener("input", update);
    s.addEventListener("change", update);
  });
  root.querySelectorAll("select.rlc-select").forEach((s) => {
    s.addEventListener("change", () => send("set " + s.dataset.name + " " + s.value));
  });
  const done = root.querySelector("button.rlc-done");
  done.addEventListener("click", () => {
    root.querySelectorAll("input,select,button").forEach((e) => { e.disabled = true; });
    root.dataset.state = "done";
    send("done");
  });
  // Say "ready" until the program's figure output says it was heard; then,
  // as long as the panel lives, re-send what the program has not answered:
  // the settings when data-want differs from the page's, "done" once
  // pressed. A message can be lost when GoNB re-installs its connection.
  let tries = 0;
  const watch = () => {
    if (!document.getElementById("{{ROOT}}")) { return; } // the cell ended
    if (root.dataset.state === "done") {
      send("done");
    } else if (!heard()) {
      if (tries++ > 60) { root.dataset.state = "offline"; return; }
      send("ready");
    } else {
      root.dataset.state = "ready";
      const f = figure();
      if (f && f.dataset.want !== wanted()) { sendAll(); }
    }
    setTimeout(watch, 700);
  };
  watch();
})();`

// figureHTML is the live figure output: the figure on show (dimmed while a
// newer one is computed), its values and result, and a status line.
func figureHTML(v Values, has, heard bool, want, state, svg, text, status string) string {
	var b strings.Builder
	vals := ""
	if has {
		vals = v.String()
	}
	opacity := "1"
	if state == "computing" {
		opacity = "0.45"
	}
	ready := "0"
	if heard {
		ready = "1"
	}
	fmt.Fprintf(&b, `<div class="rlc-figure" data-panel="{{ROOT}}" data-ready="%s" data-want="%s" data-values="%s" data-state="%s">`,
		ready, html.EscapeString(want), html.EscapeString(vals), state)
	fmt.Fprintf(&b, `<div class="rlc-status" style="font:13px sans-serif;color:#a33;min-height:1.2em">%s</div>`, html.EscapeString(status))
	if has {
		fmt.Fprintf(&b, `<div style="opacity:%s">%s</div>`, opacity, inlineSVG(svg))
		b.WriteString(caption(v, text))
	}
	b.WriteString(`</div>`)
	return b.String()
}

// finalHTML is the figure a panel leaves in the notebook.
func finalHTML(v Values, text, svg string) string {
	return fmt.Sprintf(`<div class="rlc-final" data-values="%s">%s%s</div>`, html.EscapeString(v.String()), inlineSVG(svg), caption(v, text))
}

// caption lists the values and the result under a figure.
func caption(v Values, text string) string {
	parts := make([]string, len(v.controls))
	for i, c := range v.controls {
		parts[i] = c.Name + " = " + c.label(v.pos[i])
	}
	s := strings.Join(parts, ", ")
	if text != "" {
		s += " · " + text
	}
	return fmt.Sprintf(`<div class="rlc-caption" style="font:13px sans-serif;color:#555">%s</div>`, html.EscapeString(s))
}

// inlineSVG drops the XML prolog of an SVG document, which is not allowed
// inside HTML.
func inlineSVG(svg string) string {
	if i := strings.Index(svg, "<svg"); i > 0 {
		return svg[i:]
	}
	return svg
}
