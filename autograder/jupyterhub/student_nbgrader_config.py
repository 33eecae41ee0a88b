# Backprop Lab, student side: where every user's nbgrader finds it. setup.sh writes it to
# /etc/jupyter/nbgrader_config.py with the exchange folder it was given (--exchange).
# Graders read it too; their own ~/.jupyter file is read after it and wins.
c = get_config()  # noqa: F821 (provided by traitlets when nbgrader loads this file)

# One course, so fetch and submit need no --course flag and the Assignments tab shows
# this course's assignments only.
c.CourseDirectory.course_id = "backprop-lab"

# The shared folder through which assignments go out and submissions come back. It must
# exist before the first release, on every server, at this same path (with containers:
# the same volume mounted here for everyone); setup.sh creates it, writable by everyone
# and sticky. nbgrader then creates backprop-lab/{outbound,inbound,feedback} below it with
# the right modes: students can drop submissions in inbound but cannot list each other's.
c.Exchange.root = "/srv/nbgrader/exchange"
