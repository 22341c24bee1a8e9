"""A recorded sample session (`demo-session.rec`) and the script that builds it."""
