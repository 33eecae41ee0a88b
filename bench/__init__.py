"""Benchmarks of Backprop Lab: each figure measured side by side with its baseline.

Run ``python -m bench`` (or ``make bench``); see ``bench/README.md`` for what each row of
the table means. Every measured thing is its own module with a ``run(quick)`` function
that returns rows of :class:`bench.table.Row`:

* :mod:`bench.series`: every solution notebook against a kernel that only imports;
* :mod:`bench.gradcheck`: the course's gradient checker against a plain loop;
* :mod:`bench.xor_seeds`: XOR trained for many seeds at once against a loop over seeds;
* :mod:`bench.explorers`: the redraw of every explorer against 100 ms;
* :mod:`bench.grading`: the grading pipeline against sequential ``nbgrader autograde``.

Nothing here asserts on time: figures are reported, never tested.
"""

MODULES = ("series", "gradcheck", "xor_seeds", "engine", "explorers", "grading")
"""The benchmark modules, in the order the table lists them."""
