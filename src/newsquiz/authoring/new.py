"""`newsquiz new SOURCE [-o FILE]`: read an article, draft a scenario, check it, write it."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from newsquiz.authoring.draft import scenario_yaml
from newsquiz.authoring.extract import AuthoringError, read_source
from newsquiz.scenario.diagnostics import Severity
from newsquiz.scenario.loader import check_bytes

#: Longer than this is not one article (a long read is 10,000 words), and would not fit
#: in a scenario file (2 MiB).
MAX_WORDS = 30_000


def new_scenario(args: argparse.Namespace) -> int:
    err = sys.stderr
    output = Path(args.output) if args.output else None
    if args.article_file and output is None:
        print("newsquiz new: --article-file needs -o FILE (the article goes beside it)", file=err)
        return 2
    if output is not None and output.exists() and not args.force:
        print(f"newsquiz new: {output} exists; use --force to overwrite it", file=err)
        return 2
    try:
        source = read_source(args.source, keep=args.keep, timeout=args.timeout)
    except AuthoringError as problem:
        print(f"newsquiz new: {problem}", file=err)
        return 1
    words = sum(len(p.split()) for p in source.paragraphs)
    if words > MAX_WORDS:
        print(
            f"newsquiz new: {args.source}: the text is {words:,} words long; a scenario is "
            f"about one article (at most {MAX_WORDS:,} words): cut the text to the article",
            file=err,
        )
        return 1
    article_name = None
    if args.article_file and output is not None:
        article_name = output.stem + ".article.txt"
    text, questions = scenario_yaml(source, article_file=article_name)
    base = output.parent if output is not None else Path.cwd()
    # The draft must load with draft warnings only: check it before writing anything.
    if article_name:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            (Path(tmp) / article_name).write_text(source.text + "\n", encoding="utf-8")
            result = check_bytes(text.encode("utf-8"), str(output), Path(tmp))
    else:
        result = check_bytes(text.encode("utf-8"), str(output or "<draft>"), base)
    unexpected = [
        d for d in result.diagnostics if d.severity is Severity.ERROR or d.code != "NQ700"
    ]
    if unexpected:  # a bug in the drafter: say so plainly rather than write a broken file
        for d in unexpected:
            print(d.format(), file=err)
        print("newsquiz new: the draft did not validate; please report this", file=err)
        return 1
    if output is None:
        sys.stdout.write(text)
        return 0
    try:
        if article_name:
            _write(output.parent / article_name, source.text + "\n", args.force)
        _write(output, text, True)
    except OSError as problem:
        print(f"newsquiz new: cannot write {problem.filename}: {problem.strerror}", file=err)
        return 1
    kinds = sorted({d.kind for d in questions})
    print(
        f"{output}: drafted {len(questions)} question(s) ({', '.join(kinds) or 'none'}) "
        f"from {len(source.paragraphs)} paragraph(s)"
        + (f", {len(source.removed)} boilerplate line(s) removed" if source.removed else ""),
        file=err,
    )
    print(
        f"Review it (the comments at the top say what to check), then: newsquiz validate {output}",
        file=err,
    )
    return 0


def _write(path: Path, text: str, overwrite: bool) -> None:
    flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if overwrite else os.O_EXCL)
    fd = os.open(path, flags, 0o644)
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
