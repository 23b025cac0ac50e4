"""Helpers for the lesson sources: each notebooks/src/NN-*.py builds the
notebook notebooks/NN-*.ipynb from markdown and Go cells, so that lessons
are reviewed as plain text and regenerated with `make notebooks-src`.
`make test` checks that every committed notebook matches its source, that
its Go cells are gofmt-formatted, and `kernel/sync-notebook` writes an edit
made in Jupyter back into the source."""
import os
import sys

import nbformat as nbf

_cells = []


def md(text, **meta):
    """Adds a markdown cell."""
    c = nbf.v4.new_markdown_cell(text.strip("\n"))
    if meta:
        c.metadata["rlcontrol"] = meta
    _cells.append(c)


def code(text, **meta):
    """Adds a Go code cell."""
    c = nbf.v4.new_code_cell(text.strip("\n"))
    if meta:
        c.metadata["rlcontrol"] = meta
    _cells.append(c)


def exercise(title, prompt, starter, check, solution):
    """Adds an exercise: its text, a Go cell with the starting code for the
    student to edit, a check cell (which calls lessons.Grade), and the
    solution in a collapsed <details> block, not shown until clicked.
    The notebook runner runs the check after the starting code (it must not
    fail) and again after the solution (it must print ✓)."""
    md("### Exercise: %s\n\n%s" % (title, prompt.strip("\n")))
    code(starter, role="exercise", title=title)
    code(check, role="check", title=title)
    md("<details><summary>Solution (click to show)</summary>\n\n```go\n%s\n```\n\n</details>" % solution.strip("\n"),
       role="solution", title=title, code=solution.strip("\n"))


# LANGUAGE_INFO is exactly what the gonb kernel (GoNB v0.11.4 built with this
# project's Go) answers to kernel_info. Classic Notebook copies the kernel's
# answer into the notebook's metadata when the kernel starts and marks the
# notebook "(unsaved changes)" when it differs from what the file had.
LANGUAGE_INFO = {"name": "go", "version": "go1.26.8", "mimetype": "text/x-go", "file_extension": ".go",
                 "pygments_lexer": "", "codemirror_mode": "", "nbconvert_exporter": ""}


def write(source_file):
    """Writes the notebook named after source_file into the directory given
    as the first command-line argument (default: notebooks/)."""
    nb = nbf.v4.new_notebook()
    nb.metadata = {"kernelspec": {"display_name": "Go (gonb)", "language": "go", "name": "gonb"},
                   "language_info": LANGUAGE_INFO}
    nb.cells = _cells
    # Stable cell ids, so regenerating an unchanged source gives identical bytes.
    for i, c in enumerate(nb.cells):
        c["id"] = "cell-%02d" % i
    name = os.path.splitext(os.path.basename(source_file))[0] + ".ipynb"
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(source_file)), "..")
    nbf.write(nb, os.path.join(out, name))
