# Backprop Lab, the start page: the course map and the learner's progress.
# Not an nbgrader assignment (it has no graded cells); `make release` builds it, fills in
# the course map from the notebooks' headers and adds the navigation line.

# %% [markdown]
# # 0. Start here
#
# *What this course is, the order to take it in, and how far you have got.*
#
# ## What this course is
#
# Backprop Lab teaches **backpropagation**, the algorithm that computes the gradient of a
# network's loss with respect to every weight, from first principles. You begin with a
# single loss function and a derivative estimated by hand, and go on to vectorised
# backpropagation through networks of any depth, a network that learns XOR, the reasons
# gradients vanish or explode in deep networks, an autograd engine of your own and a digit
# classifier; you end with what deeper networks need: batch normalisation, momentum and
# Adam, and the memory a backward pass takes.
#
# Every notebook mixes four things: short explanations with the mathematics written out,
# small demos you run right after each idea, explorers with sliders, and **exercises**: you
# write a function, then run the test cells below it, which tell you at once whether it is
# right and, if not, what is wrong with it.
#
# You need NumPy (arrays, slicing, broadcasting) and the derivatives of a first calculus
# course. Nothing else is assumed.

# %% [markdown]
# ## The order, and how long each notebook takes
#
# Take the notebooks in this order: each one uses what the ones before it taught. The times
# are for a first pass, exercises included.
#
# <!-- course-map -->
#
# Every notebook opens with links back to this page and on to the next notebook.

# %% [markdown]
# ## Your progress
#
# Run the cell below. It lists every exercise of every notebook with the outcome of its
# visible checks when you last ran them: ✓ every check passed, ✗ a check failed, ◐ some
# checks not run yet, · not tried. The bar beside each notebook counts its exercises whose
# checks all passed.

# %%
import bplab as bp

bp.progress()

# %% [markdown]
# How it works: `bp.start_notebook`, in the first cell of every notebook, watches the test
# cells. When one finishes, its check is recorded as passed if every assertion in it passed
# and as failed otherwise, in the file `.bplab-progress.json` in the folder that holds the
# notebooks. So the table always shows the last run of each check. Run `bp.progress()` in any notebook to see the table
# there; delete the file to start afresh. The file is only for you: grading never reads
# it, and nothing is recorded while a notebook is graded.

# %% [markdown]
# ## How a notebook works
#
# - **Read and run from the top.** The first code cell imports what the notebook needs;
#   run it first, then each cell in turn (Shift+Enter). *Run > Run All Cells* is fine too.
# - **Exercises** give you a function with its contract (arguments, shapes, what it returns)
#   and a body that says `raise NotImplementedError()`: replace that line with your code.
#   A "Try it" cell shows what your function returns on a small example.
# - **Test cells** follow each exercise. Run them after your answer: each one prints a line
#   when its check passes, and otherwise stops with a message that says what is wrong.
#   You cannot edit them, and you do not need to.
# - **Hints** are folded under *Hint 1*, *Hint 2*, ...: open them one at a time, only if you
#   are stuck. None of them is needed to pass.
# - **Predict, then run**: at a checkpoint you write down what you expect before the demo
#   shows you. Its test cell only records your prediction, with the same line whatever
#   you wrote; whether it was right is judged when the notebook is graded, so commit to
#   an answer first. Being wrong there is where most of the learning happens.

# %% [markdown]
# ## How your answers are checked
#
# A check compares your answer with the right one entry by entry, by **relative error**:
#
# $$\frac{|\text{yours} - \text{expected}|}{\max(|\text{yours}|,\ |\text{expected}|,\ 10^{-6})}.$$
#
# The floor of $10^{-6}$ in the denominator means that entries close to zero are judged
# by their absolute error instead. Which tolerance applies depends on what your answer is
# compared with:
#
# - against a value computed **exactly** (a formula, to the last bits of a float64), an
#   answer passes below $10^{-9}$;
# - against a **central difference**, a numerical derivative that is itself only good to
#   about $10^{-10}$, an answer passes below $10^{-5}$;
# - where a notebook asks you to **derive** a gradient, the graded version of the check
#   also compares it with the exact gradient below $10^{-12}$, at points where no numerical
#   derivative gets that close: a formula passes, an estimate does not.
#
# Every real mistake (a flipped sign, a factor of 2, a missing term) is off by far more
# than any of these, so the margins never fail a right answer. The numbers come from the
# course's own package:

# %%
policy = bp.checks.diagnosis
print(f"exact reference:    passes below {policy.EXACT_TOL:g}")
print(f"central difference: passes below {policy.NUMERICAL_TOL:g}")
print(f"derived gradient:   passes below {policy.FORMULA_TOL:g} (graded checks)")
print(f"relative-error floor: {policy.FLOOR:g}")

# %% [markdown]
# When a check fails it says how, not only that. Here a gradient came out with its sign
# flipped:

# %%
import numpy as np

expected = np.array([0.5, -1.25, 2.0])
yours = -expected
try:
    bp.checks.close("dL_dy_hat", yours, expected)
except bp.checks.CheckFailure as failure:
    print(failure)

# %% [markdown]
# The test cells you see use small fixed examples. When a course grades your notebook with
# nbgrader, the same cells also run **hidden** checks on other inputs, shapes and seeds, so
# an answer must be right in general, not only on the example shown.

# %% [markdown]
# ## Saving your work
#
# **On your own computer** (`make lab`), your notebooks are ordinary files in the
# `notebooks/` folder: *File > Save Notebook* (Ctrl+S) and they stay.
#
# **On Binder** nothing is kept. The session runs on a machine lent to you for the visit,
# and it is deleted when you close the tab or leave it idle for about ten minutes. Before
# you stop:
#
# 1. save the notebook (Ctrl+S);
# 2. download it: right-click the notebook in the file browser on the left and choose
#    *Download* (or *File > Download*);
# 3. next time, start Binder again, drag your downloaded notebook onto the file browser,
#    into the notebook's folder, and replace the fresh copy.
#
# Your progress table lives in a hidden file beside the notebooks, which Binder deletes too.
# After uploading a notebook, run all its cells once: its test cells record their
# outcomes again.
#
# **For work that stays** without downloading, use a persistent JupyterHub: many
# universities run one for their students. Open a terminal there and run
#
# ```bash
# git clone https://github.com/backprop-lab/backprop-lab.git
# cd backprop-lab
# python -m pip install --user -r requirements.txt
# python -m pip install --user --no-deps -e .
# ```
#
# then open `notebooks/00_start_here/00_start_here.ipynb`. Your files and your progress are
# kept there between sessions.
