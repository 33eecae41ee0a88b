# nbgrader configuration for Backprop Lab. `make release` copies it into the course root
# it builds (build/course by default); instructors may use it for their own course root.
c = get_config()  # noqa: F821 (provided by traitlets when nbgrader loads this file)

c.CourseDirectory.course_id = "backprop-lab"

# Solution cells are replaced by this stub in the student release.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}

# A cell that loops forever costs this many seconds, not the whole class's grading.
c.Execute.timeout = 30
c.Execute.interrupt_on_timeout = True
# A file submitted beside the notebook (numpy.py, bplab.py) must not shadow real modules.
c.Execute.extra_arguments = ["--InteractiveShellApp.ignore_cwd=True"]

# Test cells deleted or stripped of their metadata by a student are put back.
c.OverwriteCells.add_missing_cells = True
