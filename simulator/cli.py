"""Command line: run, check and plot scenarios.

    python run.py scenarios/baseline.yaml            # same as: run.py run scenarios/baseline.yaml
    python run.py run SCENARIO --replicates 10
    python run.py check SCENARIO
    python run.py estimate SCENARIO                  # requests, tokens and cost before a run
    python run.py compare scenarios/compare_interventions.yaml
    python run.py sweep scenarios/sweep_debunk.yaml
    python run.py search scenarios/search_debunk.yaml  # the best intervention programmes
    python run.py forecast SNAPSHOTS.csv --observe 1h --horizon final
    python run.py forecast-eval --data CASCADES_DIR  # the forecasters on real cascades
    python run.py plot RESULTS_DIR
    python run.py report RESULTS_DIR                 # report.html: one page to open and share
    python run.py resume RESULTS_DIR                 # continue an interrupted run or batch of runs
    python run.py situations SCENARIO --out DIR      # ask its model a designed study set
    python run.py fit-surrogate DIR --out FIT_DIR    # fit the surrogate to those answers

Problems with the input print one line on stderr and exit with code 2; a run whose model
requests failed too often (llm.max_failed_share) finishes, says so, and exits with code 3.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from pathlib import Path

from simulator.errors import InputWarning, Interrupted, UserError

INTERRUPTED = 130  # the exit code of a command stopped by Ctrl-C (128 + SIGINT)

UNRELIABLE = 3  # the exit code of a run with too many failed model requests

COMMANDS = (
    "run",
    "resume",
    "check",
    "estimate",
    "compare",
    "sweep",
    "search",
    "forecast",
    "forecast-eval",
    "plot",
    "report",
    "situations",
    "fit-surrogate",
)


def _executor_options(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        metavar="W",
        help=f"processes for {what} (default: number of CPUs; with --executor ray, the CPUs "
        "of a local cluster started for the command)",
    )
    parser.add_argument(
        "--executor",
        choices=("local", "ray"),
        help="local processes (the default) or a Ray cluster (pip install 'murmur[ray]'); "
        "wins over a spec's executor:",
    )
    parser.add_argument(
        "--ray-address",
        metavar="HOST:PORT",
        help="the Ray cluster to use (default: $RAY_ADDRESS, else a local one for the command)",
    )


def _executor(args: argparse.Namespace):
    """The executor settings the command line asks for."""
    from simulator.executors import ExecutorSettings

    return ExecutorSettings(
        kind=args.executor or "local",
        workers=args.workers,
        address=args.ray_address,
        chosen=args.executor is not None,
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="run.py",
        description="Murmur: simulate how a false news item spreads through a population of "
        "language-model agents.",
        epilog="A bare scenario path means 'run'. "
        "Exit codes: 0 done, 2 bad input, 3 done but unreliable (too many failed model "
        "requests: llm.max_failed_share), 130 interrupted.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run a scenario and write a results folder")
    run.add_argument("scenario", type=Path, help="scenario YAML file")
    run.add_argument("--seed", type=int, help="override the scenario's seed")
    run.add_argument(
        "--replicates",
        type=int,
        default=1,
        metavar="N",
        help="run seeds seed..seed+N-1 and plot the mean with a 95%% band",
    )
    _executor_options(run, "replicates")
    run.add_argument("--out", type=Path, metavar="DIR", help="results root (overrides outputs.dir)")
    run.add_argument("--quiet", action="store_true", help="no progress bar")
    resume = sub.add_parser(
        "resume",
        help="continue an interrupted run from the end of its last complete day, or a "
        "replicates, compare, sweep or search folder, running only the runs that are missing",
    )
    resume.add_argument("results", type=Path, help="the results folder")
    _executor_options(resume, "the missing runs of a multi-run folder")
    resume.add_argument("--quiet", action="store_true", help="no progress bar")
    check = sub.add_parser(
        "check", help="validate a scenario, or a compare or sweep spec, without running"
    )
    check.add_argument("scenario", type=Path)
    estimate = sub.add_parser(
        "estimate",
        help="predict requests, tokens and cost of a scenario (plays it with the surrogate; "
        "sends nothing, writes nothing)",
    )
    estimate.add_argument("scenario", type=Path)
    estimate.add_argument("--quiet", action="store_true", help="no progress bar")
    for name, what in (
        ("compare", "run named arms of interventions x seeds; table, curves, cost vs effect"),
        ("sweep", "run a grid over one intervention's parameters x seeds; table and heatmaps"),
        (
            "search",
            "search intervention programmes for the best spread against cost (NSGA-II; "
            "pip install 'murmur[search]'); trials, Pareto front with intervals",
        ),
    ):
        cmd = sub.add_parser(name, help=what)
        cmd.add_argument("spec", type=Path, help=f"{name} spec YAML (docs/INTERVENTIONS.md)")
        _executor_options(cmd, "the runs")
        cmd.add_argument(
            "--out", type=Path, metavar="DIR", help="results root (overrides outputs_dir)"
        )
        cmd.add_argument("--quiet", action="store_true", help="no progress bar")
    forecast = sub.add_parser(
        "forecast", help="forecast engagement of posts from their early snapshots"
    )
    forecast.add_argument(
        "data",
        type=Path,
        help="snapshots CSV (post_id, time, likes, shares, comments"
        "[, followers]; time in seconds) or a folder of RT*.txt cascades",
    )
    forecast.add_argument("--observe", default="1h", help="observation window (default 1h)")
    forecast.add_argument("--horizon", default="final", help="'final' or a time, e.g. 24h")
    forecast.add_argument(
        "--model",
        default="auto",
        help="auto (default: seismic where its calibration holds, else statespace), seismic, "
        "statespace, regression, seismic_raw, runrate, naive",
    )
    forecast.add_argument(
        "--train",
        type=Path,
        help="folder of RT*.txt cascades to calibrate on (default: the calibration shipped "
        "with the package, fitted on 50 public retweet cascades)",
    )
    forecast.add_argument("--out", type=Path, metavar="DIR", help="results root (default results)")
    evaluate = sub.add_parser(
        "forecast-eval",
        help="cross-validate every forecaster on real cascades (10m, 30m, 1h, 6h, 24h)",
    )
    evaluate.add_argument(
        "--data",
        type=Path,
        metavar="DIR",
        help="folder of SEISMIC-format RT*.txt retweet cascades to evaluate on (required)",
    )
    evaluate.add_argument("--folds", type=int, default=5)
    evaluate.add_argument("--out", type=Path, metavar="DIR", help="results root (default results)")
    situations = sub.add_parser(
        "situations",
        help="ask the scenario's model a designed set of opinion requests (the study set "
        "of fit-surrogate; docs/REAL_MODEL.md)",
    )
    situations.add_argument("scenario", type=Path, help="scenario YAML: its llm settings")
    situations.add_argument("--count", type=int, default=400, help="situations (default 400)")
    situations.add_argument(
        "--news",
        type=Path,
        nargs="+",
        metavar="SCENARIO",
        help="draw the news item from these scenarios' items (default: the scenario's own)",
    )
    situations.add_argument(
        "--out", type=Path, required=True, metavar="DIR", help="folder for transcript.jsonl"
    )
    situations.add_argument("--quiet", action="store_true", help="no progress bar")
    fit = sub.add_parser(
        "fit-surrogate",
        help="fit the surrogate's weights to a model's decisions in transcripts (maximum "
        "likelihood); writes a parameter file for llm.surrogate_params",
    )
    fit.add_argument(
        "transcripts", type=Path, nargs="+", help="transcript.jsonl files or folders holding one"
    )
    fit.add_argument(
        "--out", type=Path, required=True, metavar="DIR", help="folder for the fit's files"
    )
    fit.add_argument(
        "--holdout", type=float, default=0.25, help="share of decisions held out (default 0.25)"
    )
    fit.add_argument("--seed", type=int, default=0, help="seed of the held-out split")
    plot = sub.add_parser("plot", help="redraw the plots of a results folder from its files")
    plot.add_argument(
        "results", type=Path, help="a run, replicates, comparison or sweep results folder"
    )
    report = sub.add_parser(
        "report",
        help="write report.html for a results folder: one self-contained page that opens "
        "offline, with interactive plots",
    )
    report.add_argument(
        "results", type=Path, help="a run, replicates, comparison or sweep results folder"
    )
    return parser


def _load(path: Path, seed: int | None = None, out: Path | None = None):
    from simulator.config import load_scenario

    scenario = load_scenario(path)
    if seed is not None:
        if seed < 0:
            raise UserError(f"--seed: {seed} is negative (allowed: 0 or more)")
        scenario = scenario.model_copy(update={"seed": seed})
    if out is not None:
        scenario = scenario.model_copy(
            update={"outputs": scenario.outputs.model_copy(update={"dir": out})}
        )
    return scenario


def _cmd_run(args: argparse.Namespace) -> int:
    from simulator.world import check_endpoints

    if args.replicates < 1:
        raise UserError(f"--replicates: {args.replicates} (allowed: 1 or more)")
    if args.workers < 1:
        raise UserError(f"--workers: {args.workers} (allowed: 1 or more)")
    if args.replicates == 1 and args.executor == "ray":
        raise UserError("--executor ray: runs replicates (--replicates 2 or more), not one run")
    scenario = _load(args.scenario, args.seed, args.out)
    # The runner checks the model's endpoints too; asking here first, before the simulation
    # stack is imported (about 3 s), says a wrong URL, key or model in about a second.
    check_endpoints(scenario)
    from simulator.replicates import run_replicates
    from simulator.runner import run_scenario

    progress = not args.quiet
    if args.replicates == 1:
        return _print_run(run_scenario(scenario, progress=progress))
    return _print_replicates(run_replicates(scenario, args.replicates, _executor(args), progress))


def _print_replicates(result) -> int:
    m, sd = result.summary["mean"], result.summary["sd"]
    replicates = result.summary["replicates"]
    print(f"results: {result.folder}")
    _print_report(result.folder)
    print(
        f"{replicates} replicates: peak believers {m['peak_believers']:.1f} "
        f"(sd {sd['peak_believers']:.1f}), final share {m['final_believer_share']:.0%} "
        f"(sd {sd['final_believer_share']:.0%})"
    )
    if summary_unreliable := result.summary.get("unreliable_seeds"):
        print(
            f"UNRELIABLE: {len(summary_unreliable)} of {replicates} replicates had too "
            f"many failed model requests (seeds {', '.join(map(str, summary_unreliable))}; "
            "see their summary.json)"
        )
        return UNRELIABLE
    return 0


def _print_run(result) -> int:
    """Where a run went and what it found, in a few lines; returns the exit code (3 for a
    run whose results cannot be trusted)."""
    summary = result.summary
    c, fit, llm = summary["curve"], summary["sis_fit"], summary["llm"]
    print(f"results: {result.folder}")
    if summary["status"] != "ok":
        print(f"UNRELIABLE: {summary['status_reason']}")
    _print_report(result.folder)
    print(
        f"believers: {c['initial_believers']:.0f} on day 0, peak {c['peak_believers']:.0f} "
        f"on day {c['peak_day']}, final {c['final_believers']:.0f} of "
        f"{summary['population']} ({c['final_believer_share']:.0%}); "
        f"area under the believer-share curve {c['auc_believer_share']:.2f}"
    )
    if fit.get("identified"):
        lo_b, hi_b = fit["beta_ci95"]
        lo_g, hi_g = fit["gamma_ci95"]
        print(
            f"SIS fit: beta={fit['beta']:.3f} (95% CI {lo_b:.3f}-{hi_b:.3f}) "
            f"gamma={fit['gamma']:.3f} ({lo_g:.3f}-{hi_g:.3f}) r2={fit['r2']}"
        )
    elif fit.get("note"):
        print(f"SIS fit: {fit['note']}")
    groups = summary.get("groups")
    if groups:
        rules = ", ".join(f"{name} by {rule}" for name, rule in groups.items())
        if "llm" in groups.values():
            print(f"decisions: {rules}")
            print(_llm_line(llm["total"]))
        else:
            print(f"decisions: {rules} on arrays (no model requests)")
    elif summary.get("rule", "llm") == "llm":
        print(_llm_line(llm["total"]))
    else:
        print(f"decisions: the {summary['rule']} rule on arrays (no model requests)")
    if summary.get("governance_cost"):
        print(f"interventions: governance cost {summary['governance_cost']:.1f}")
    if summary["stopped_early"]:
        print(f"stopped early after day {summary['days_run']}: {summary['stopped_early']}")
    return UNRELIABLE if summary["status"] != "ok" else 0


def _print_report(folder: Path) -> None:
    if (folder / "report.html").is_file():  # outputs.report: false writes none
        print(f"report: {folder / 'report.html'}")


def _llm_line(total: dict) -> str:
    """One line of request, token and cost figures from an accounting total."""
    approx = "~" if total["tokens_estimated"] else ""
    line = (
        f"model requests: {total['requests']} ({total['failures']} failed, "
        f"{total['cached']} from cache, {total['retries']} retries, {total['repairs']} repairs), "
        f"tokens {approx}{total['prompt_tokens']} in / {approx}{total['completion_tokens']} out, "
        f"cost {approx}${total['cost_usd']:.4f}"
    )
    if total["latency_s"]:
        lat = total["latency_s"]
        line += f"; latency p50 {lat['p50']:.2f} s, p99 {lat['p99']:.2f} s"
    return line


def _cmd_resume(args: argparse.Namespace) -> int:
    if not args.results.is_dir():
        raise UserError(f"results folder not found: {str(args.results)!r}")
    from simulator.executors import batch_to_resume

    kind, progress = batch_to_resume(args.results), not args.quiet
    if kind == "replicates":
        from simulator.replicates import resume_replicates

        return _print_replicates(resume_replicates(args.results, _executor(args), progress))
    if kind == "comparison":
        from simulator.experiments import resume_comparison

        return _print_comparison(*resume_comparison(args.results, _executor(args), progress))
    if kind == "sweep":
        from simulator.experiments import resume_sweep

        return _print_sweep(*resume_sweep(args.results, _executor(args), progress))
    if kind == "search":
        from simulator.search import resume_search

        return _print_search(resume_search(args.results, _executor(args), progress))
    from simulator.runner import resume_run

    return _print_run(resume_run(args.results, progress=progress))


def _cmd_check(args: argparse.Namespace) -> int:
    from simulator.resources import require_memory
    from simulator.world import build_world
    from simulator.yaml_reader import read_yaml

    document = read_yaml(args.scenario)
    if isinstance(document, dict) and "base" in document:  # a compare, sweep or search spec
        if "interventions" in document and "arms" not in document:
            from simulator.search import check_search as check_spec
        else:
            from simulator.experiments import check_spec

        print(f"ok: {args.scenario} ({check_spec(args.scenario)})")
        return 0
    scenario = _load(args.scenario)
    needs = require_memory(scenario)  # before building a world that would not fit
    build_world(scenario)
    print(
        f"ok: {args.scenario} ({scenario.name}: {scenario.population.size} agents, "
        f"{scenario.days} days, {scenario.contacts.type}, backend {scenario.llm.backend})"
    )
    print(f"expected: {needs.describe()}")
    return 0


def _cmd_estimate(args: argparse.Namespace) -> int:
    from simulator.estimate import estimate
    from simulator.resources import llm_agents, require_memory
    from simulator.world import asks_a_model

    scenario = _load(args.scenario)
    # The estimate plays the scenario once, so it needs what a run needs.
    print(f"expected for a run: {require_memory(scenario).describe()}", flush=True)
    figures = estimate(scenario, progress=not args.quiet)
    llm = scenario.llm
    print(
        f"{scenario.name}: {scenario.population.size} agents x {scenario.days} days, "
        f"model {llm.model or '(surrogate)'}, prices ${llm.prices.input_per_million:g} in / "
        f"${llm.prices.output_per_million:g} out per million tokens"
    )
    print(
        f"{'kind':<10}{'requests':>10}{'prompt tok':>13}{'compl. tok':>13}"
        f"{'compl. max':>13}{'cost':>12}{'cost max':>12}"
    )
    for kind, f in figures.items():
        print(
            f"{kind:<10}{f['requests']:>10,}{f['prompt_tokens']:>13,}{f['completion_tokens']:>13,}"
            f"{f['completion_tokens_max']:>13,}{'$' + format(f['cost_usd'], ',.4f'):>12}"
            f"{'$' + format(f['cost_usd_max'], ',.4f'):>12}"
        )
    print(
        f"about {figures['total']['tokens_per_agent_day']:,} tokens per agent-day "
        "(4 characters per token; repairs and retries not included)"
    )
    if llm.budget_usd is not None:
        print(f"llm.budget_usd: ${llm.budget_usd:g}")
    if not asks_a_model(scenario):
        print(
            f"note: agents.rule is {scenario.agents.rule.type}, which asks no model; these are the "
            "requests the scenario would send with agents.rule: llm"
        )
    elif scenario.agents.groups:
        print(f"{llm_agents(scenario):,} agents ask the model (the llm groups); the rest decide "
              "by their groups' rules")  # fmt: skip
    return 0


def _cmd_compare(args: argparse.Namespace) -> int:
    from simulator.experiments import run_comparison

    return _print_comparison(*run_comparison(args.spec, _executor(args), not args.quiet, args.out))


def _print_comparison(folder: Path, table) -> int:
    print(f"results: {folder}")
    _print_report(folder)
    print(
        f"{'arm':<22}{'peak':>7}{'final':>8}{'auc (95% CI)':>22}{'reduction':>11}"
        f"{'cost':>10}{'per cost':>10}  pareto"
    )
    for row in table.itertuples():
        per_cost = "-" if row.governance_cost == 0 else f"{row.reduction_per_cost:.4f}"
        auc = (
            f"{row.auc_believer_share:.2f} "
            f"({row.auc_believer_share_lo:.2f}-{row.auc_believer_share_hi:.2f})"
        )
        print(
            f"{row.arm:<22}{row.peak_believers:>7.1f}{row.final_believer_share:>8.0%}{auc:>22}"
            f"{row.auc_reduction:>11.2f}{row.governance_cost:>10.1f}{per_cost:>10}"
            f"  {'*' if row.pareto_efficient else ''}"
        )
    print("auc: believer-share-days; reduction: against the reference arm; * Pareto-efficient")
    if table["engagement_forecast"].notna().any():
        print(
            f"{'arm':<22}{'engagement: observed':>22}{'forecast':>10}"
            f"{'final believers: observed':>27}{'forecast':>10}"
        )
        for row in table.itertuples():
            print(
                f"{row.arm:<22}{row.engagement_observed:>22.1f}{row.engagement_forecast:>10.1f}"
                f"{row.final_believers_observed:>27.1f}{row.final_believers_forecast:>10.1f}"
            )
        print("forecasts: made from each run's first days (early_warning.observe_days)")
    return _unreliable_runs(table)


def _cmd_search(args: argparse.Namespace) -> int:
    from simulator.search import run_search

    return _print_search(run_search(args.spec, _executor(args), not args.quiet, args.out))


def _print_search(result) -> int:
    trials, front = result.trials, result.front
    print(f"results: {result.folder}")
    done = trials[trials["state"] == "complete"]
    print(
        f"{len(trials)} candidates ({int(done['feasible'].sum())} within the budget); "
        f"{len(front)} on the Pareto front, re-run with {int(front['replicates'].iloc[0])} "
        "seeds:"
    )
    print(f"{'trial':>6}{'spread (95% CI)':>24}{'cost (95% CI)':>24}  programme")
    for row in front.itertuples():
        spread = f"{row.spread:.2f} ({row.spread_lo:.2f}-{row.spread_hi:.2f})"
        cost = (
            f"{row.governance_cost:.1f} ({row.governance_cost_lo:.1f}-{row.governance_cost_hi:.1f})"
        )
        print(f"{row.trial:>6}{spread:>24}{cost:>24}  {row.programme}")
    if result.arms is not None:
        print("compare arms on the same seeds (matched: front trials at most as costly and "
              "spreading at most as far):")  # fmt: skip
        for row in result.arms.itertuples():
            matched = row.matched_by if isinstance(row.matched_by, str) and row.matched_by else "-"
            print(
                f"  {row.arm:<20} spread {row.spread:.2f}, cost {row.governance_cost:.1f}; "
                f"matched by {matched}"
            )
    return 0


def _unreliable_runs(table) -> int:
    """Say so, and return exit code 3, when any run of a compare or sweep was unreliable."""
    count = int(table["unreliable_runs"].sum())
    if not count:
        return 0
    print(
        f"UNRELIABLE: {count} run(s) had too many failed model requests "
        "(llm.max_failed_share; column unreliable_runs, and each run's summary.json)"
    )
    return UNRELIABLE


def _cmd_sweep(args: argparse.Namespace) -> int:
    from simulator.experiments import run_sweep

    return _print_sweep(*run_sweep(args.spec, _executor(args), not args.quiet, args.out))


def _print_sweep(folder: Path, table) -> int:
    print(f"results: {folder}")
    _print_report(folder)
    keys = list(table.columns[: table.columns.get_loc("peak_believers")])  # the grid columns
    head = "".join(f"{k:>12}" for k in keys)
    print(f"{head}{'reduction':>11}{'of max':>8}{'cost':>10}{'final':>8}")
    for i, row in table.iterrows():
        cells = "".join(f"{table.at[i, k]!s:>12}" for k in keys)  # ints stay ints
        print(
            f"{cells}{row['auc_reduction']:>11.2f}{row['share_of_max_effect']:>8.0%}"
            f"{row['governance_cost']:>10.1f}{row['final_believer_share']:>8.0%}"
        )
    return _unreliable_runs(table)


def _cmd_forecast(args: argparse.Namespace) -> int:
    from simulator.forecast.data import parse_duration
    from simulator.forecast.predict import forecast_file
    from simulator.outputs import make_folder, new_run_id, write_table

    observe = parse_duration(args.observe)
    horizon = None if args.horizon == "final" else parse_duration(args.horizon)
    if not args.data.exists():
        raise UserError(f"forecast data not found: {str(args.data)!r}")
    table = forecast_file(args.data, observe, horizon, args.model, args.train)
    folder = make_folder((args.out or Path("results")) / new_run_id("forecast"))
    write_table(folder / "forecasts.csv", table)
    first = table.iloc[0]
    print(
        f"model {first['model']} ({first['calibration']}), observed {args.observe}, "
        f"forecast {'the final size' if horizon is None else 'the count at ' + args.horizon}, "
        "90% intervals"
    )
    shown = table.drop(columns=["model", "calibration", "observe_s", "horizon"])
    print(shown.to_string(index=False))
    capped = int((table["note"] != "").sum())
    if capped:
        print(f"{capped} forecast(s) carry a note (column note): read it before the number")
    if "ape" in table and table["ape"].notna().any():
        print(
            f"median APE {table['ape'].median():.3f}, mean |log error| "
            f"{table['abs_log_error'].mean():.3f} over {table['ape'].notna().sum()} series"
        )
    print(f"results: {folder / 'forecasts.csv'}")
    return 0


def _cmd_forecast_eval(args: argparse.Namespace) -> int:
    from simulator.forecast.data import read_seismic_dir
    from simulator.forecast.evaluate import cross_validate
    from simulator.outputs import make_folder, new_run_id, write_table

    if args.data is None:
        raise UserError(
            "forecast-eval needs --data DIR: a folder of SEISMIC-format RT*.txt retweet "
            "cascades (a header line, then '<seconds> <followers>' rows)"
        )
    if not args.data.is_dir():
        raise UserError(f"--data: cascade folder not found: {str(args.data)!r}")
    if not 2 <= args.folds <= 50:
        raise UserError(f"--folds: {args.folds} (allowed: 2..50)")
    cascades = read_seismic_dir(args.data)
    table = cross_validate(cascades, folds=args.folds, progress=lambda m: print(m, flush=True))
    folder = make_folder((args.out or Path("results")) / new_run_id("forecast-eval"))
    write_table(folder / "evaluation.csv", table)
    print(table.round(3).to_string(index=False))
    print(f"results: {folder / 'evaluation.csv'}")
    return 0


def _cmd_situations(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from simulator.situations import ask, design
    from simulator.world import check_endpoints

    if not 1 <= args.count <= 100_000:
        raise UserError(f"--count: {args.count} (allowed: 1 to 100000)")
    scenario = _load(args.scenario)
    if scenario.llm.backend == "mock":
        raise UserError(
            "llm.backend: situations asks a real model (allowed: openai); the surrogate's "
            "weights are known"
        )
    news = [_load(p).news.item() for p in args.news] if args.news else [scenario.news.item()]
    if (args.out / "transcript.jsonl").exists():
        raise UserError(f"--out: {args.out}/transcript.jsonl exists (choose a new folder)")
    check_endpoints(scenario)
    contexts = design(args.count, scenario.seed, news)
    with tqdm(total=len(contexts), desc="situations", unit="request", disable=args.quiet) as bar:
        parsed, believing = ask(scenario, contexts, args.out, bar.update)
    print(f"transcript: {args.out / 'transcript.jsonl'}")
    print(
        f"{parsed} of {len(contexts)} answers parsed; {believing} believe "
        f"({believing / max(parsed, 1):.0%})"
    )
    return 0


def _cmd_fit_surrogate(args: argparse.Namespace) -> int:
    from simulator.surrogate_fit import fit_transcripts

    if not 0 < args.holdout < 1:
        raise UserError(f"--holdout: {args.holdout} (allowed: between 0 and 1)")
    if args.seed < 0:
        raise UserError(f"--seed: {args.seed} is negative (allowed: 0 or more)")
    report = fit_transcripts(args.transcripts, args.out, args.holdout, args.seed)
    print(report)
    return 0


def _cmd_plot(args: argparse.Namespace) -> int:
    from simulator.plots import draw_plots

    for path in draw_plots(args.results):
        print(path)
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from simulator.report import write_report

    print(f"report: {write_report(args.results)}")
    return 0


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """Input warnings as one line for people; any other warning as Python shows it."""
    if issubclass(category, InputWarning):
        print(f"warning: {message}", file=sys.stderr)
    else:
        _python_show_warning(message, category, filename, lineno, file, line)


_python_show_warning = warnings.showwarning


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    warnings.showwarning = _show_warning
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] not in COMMANDS and not argv[0].startswith("-"):
        argv.insert(0, "run")
    args = _parser().parse_args(argv)
    handler = {
        "run": _cmd_run,
        "resume": _cmd_resume,
        "check": _cmd_check,
        "estimate": _cmd_estimate,
        "compare": _cmd_compare,
        "sweep": _cmd_sweep,
        "search": _cmd_search,
        "forecast": _cmd_forecast,
        "forecast-eval": _cmd_forecast_eval,
        "situations": _cmd_situations,
        "fit-surrogate": _cmd_fit_surrogate,
        "plot": _cmd_plot,
        "report": _cmd_report,
    }[args.command]
    try:
        return handler(args)
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except Interrupted as exc:
        print(str(exc), file=sys.stderr)
        return INTERRUPTED
    except KeyboardInterrupt:  # before any results folder existed
        print("interrupted", file=sys.stderr)
        return INTERRUPTED
    except BrokenPipeError:  # the output went to a pager or `head` that closed early
        # as the Python docs advise: send what is left to devnull, so the flush at exit
        # does not fail again with a traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
