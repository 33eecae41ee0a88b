"""Where student code runs when a grade is decided: the independent check and its answer process."""
