"""Helpers for the lesson sources: each notebooks/src/NN-*.py builds the
notebook notebooks/NN-*.ipynb from markdown and Go cells, so that lessons
are reviewed as plain text and regenerated with `make notebooks-src`.
`make test` checks that every committed notebook matches its source."""
import os
import sys

import nbformat as nbf

_cells = []


def md(text):
    """Adds a markdown cell."""
    _cells.append(nbf.v4.new_markdown_cell(text.strip("\n")))


def code(text):
    """Adds a Go code cell."""
    _cells.append(nbf.v4.new_code_cell(text.strip("\n")))


def write(source_file):
    """Writes the notebook named after source_file into the directory given
    as the first command-line argument (default: notebooks/)."""
    nb = nbf.v4.new_notebook()
    nb.metadata = {"kernelspec": {"display_name": "Go (gonb)", "language": "go", "name": "gonb"},
                   "language_info": {"name": "go"}}
    nb.cells = _cells
    # Stable cell ids, so regenerating an unchanged source gives identical bytes.
    for i, c in enumerate(nb.cells):
        c["id"] = "cell-%02d" % i
    name = os.path.splitext(os.path.basename(source_file))[0] + ".ipynb"
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(source_file)), "..")
    nbf.write(nb, os.path.join(out, name))
