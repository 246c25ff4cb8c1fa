"""``verify review``: the guided walk through an article's claims.

* :mod:`verify.review.queue` decides which claims are reviewed, in what order,
  and which are locked by another reviewer;
* :mod:`verify.review.commands` parses what the reviewer types;
* :mod:`verify.review.session` is the state machine: it takes one command
  string, commits what it asks for through the workflow services, and says
  what happened and what the next screen shows;
* :mod:`verify.review.keys` turns single key presses into those commands;
* :mod:`verify.review.screen` draws a screen for a terminal or as plain text.

Only ``screen`` imports rich; nothing here imports typer.
"""
