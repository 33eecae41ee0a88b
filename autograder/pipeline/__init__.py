"""The instructor's grading pipeline: submissions in; grades, feedback and a report out."""
