"""``verify review``: the guided walk through an article's claims.

* :mod:`verify.review.queue` decides which claims are reviewed, in what order,
  and which are locked by another reviewer;
* :mod:`verify.review.commands` parses what the reviewer types;
* :mod:`verify.review.session` is the state machine: it takes one command
  string, says what happened and what the next screen shows; looking writes
  nothing, and the commands that change something
  (:mod:`verify.review.actions`) take the review lease, commit through the
  workflow services and are remembered for undo (:mod:`verify.review.undo`);
* :mod:`verify.review.keys` turns single key presses into those commands;
* :mod:`verify.review.screen` draws a screen for a terminal or as plain text.

Only ``screen`` imports rich; nothing here imports typer.
"""
