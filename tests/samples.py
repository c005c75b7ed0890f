"""Shared test material."""

#: A minimal valid scenario; diagnostic fixtures and hostile cases change one thing in it.
MINIMAL_SCENARIO = """\
format: 1
id: base-scenario
title: A minimal scenario
article:
  headline: Ministers meet in Delhi
  text: |
    The foreign ministers met in Delhi on Thursday.

    The talks lasted less than ten minutes.
nodes:
  - id: q1
    question:
      kind: single
      prompt: Where did the ministers meet?
      choices:
        - text: In Delhi
          correct: true
          evidence: met in Delhi
        - text: In Geneva
    next: end
endings:
  - id: done
    title: Finished
"""
