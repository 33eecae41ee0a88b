# nbgrader configuration for Backprop Lab. `make release` copies it into the course root
# it builds (build/course by default); instructors may use it for their own course root.
c = get_config()  # noqa: F821 (provided by traitlets when nbgrader loads this file)

c.CourseDirectory.course_id = "backprop-lab"

# Solution cells are replaced by this stub in the student release.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}

# A cell that loops forever costs this many seconds, not the whole class's grading.
c.Execute.timeout = 30
c.Execute.interrupt_on_timeout = True
# A file submitted beside the notebook (numpy.py, bplab.py) must not shadow real modules,
# and a notebook that allocates without bound gets a MemoryError at 6 GiB instead of
# starving every other grading process (autograder/answer_worker.py sets the same limit).
c.Execute.extra_arguments = [
    "--InteractiveShellApp.ignore_cwd=True",
    "--InteractiveShellApp.exec_lines="
    "import resource; resource.setrlimit(resource.RLIMIT_AS, (6 << 30, 6 << 30))",
]

# Test cells deleted or stripped of their metadata by a student are put back.
c.OverwriteCells.add_missing_cells = True
