"""The `auditor` command: one function per subcommand.

A `UserError` becomes one line on stderr and exit code 2; anything else is a bug and
shows its traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from auditor import __version__
from auditor.config import load_config
from auditor.errors import UserError

EXIT_OK, EXIT_FAILURES, EXIT_USER_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 130


def cmd_run(args: argparse.Namespace) -> int:
    """Judge every item of the input and write a run directory."""
    from auditor.run import RunOptions, run_audit
    from auditor.summary import render_summary

    overrides = {
        "input": args.input,
        "out": args.out,
        "concurrency": args.concurrency,
        "fail_fast": True if args.fail_fast else None,
    }
    config = load_config(args.config, overrides)
    if config.input is None:
        raise UserError(f"{args.config}: no input given (set 'input:' in the config or pass --input)")
    options = RunOptions(
        input=Path(config.input),
        out=Path(config.out),
        resume=args.resume,
        overwrite=args.overwrite,
        progress=not args.no_progress,
        config_path=Path(args.config),
    )
    result = asyncio.run(run_audit(config, options))
    print(
        render_summary(
            result.stats,
            out=str(result.out),
            status=result.status,
            elapsed_s=result.elapsed_s,
            skipped_done=result.skipped_done,
        )
    )
    if result.status == "interrupted":
        print(f"  {result.stop_reason}; to finish: auditor run {args.config} --resume --out {result.out}")
        return EXIT_INTERRUPTED
    if result.status == "failed":
        print(f"  stopped at the first bad line (--fail-fast): {result.stop_reason}", file=sys.stderr)
        return EXIT_FAILURES
    return EXIT_FAILURES if result.stats.bad_lines else EXIT_OK


def _run_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("run", help="judge items and write a run directory")
    p.add_argument("config", help="a YAML config, e.g. configs/demo.yaml")
    p.add_argument("--input", help="items file (.jsonl or .csv); overrides the config's 'input'")
    p.add_argument("--out", help="run directory; overrides the config's 'out'")
    p.add_argument("--concurrency", type=int, help="items (and requests) in flight at once")
    p.add_argument("--fail-fast", action="store_true", help="stop at the first bad input line")
    p.add_argument("--resume", action="store_true", help="finish an interrupted run in --out")
    p.add_argument("--overwrite", action="store_true", help="replace an earlier run in --out")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_run)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="auditor", description="LLM-as-judge audits of model answers.")
    parser.add_argument("--version", action="version", version=f"auditor {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log more detail")
    sub = parser.add_subparsers(dest="command", required=True)
    for add in PARSERS:
        add(sub)
    return parser


PARSERS: list[Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None]] = [_run_parser]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `auditor` console script."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        code: int = args.func(args)
    except UserError as exc:
        print(f"auditor: error: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("auditor: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    return code


if __name__ == "__main__":
    sys.exit(main())
