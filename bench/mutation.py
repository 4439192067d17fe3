"""Mutation testing of the rule modules with mutmut (issue 23): how many one-character breaks
of a rule the tests notice.

    uv run python bench/mutation.py MODULE [MODULE ...]   # e.g. money codes quality
    uv run python bench/mutation.py --list                # the modules and their tests
    uv run python bench/mutation.py --ci                  # the small fixed subset CI runs

The modules named run together in `.mutation/<modules>/` (not committed), against only the
test files that exercise them; each mutant runs only the tests that reach its function. One
worker by default (`--jobs` for more): the machine is shared. mutmut forks each mutant from a
process that has already imported Django and collected the tests, and the test database is a
SQLite file kept between mutants (`--reuse-db`), so a mutant costs its tests, not Django's
start-up; one run pays that start-up once, so name several modules in one run.

Prints, per module: mutants, killed (a test failed, or it hung past mutmut's time limit),
survived, and mutants no selected test reaches; the kill rate is killed ÷ checked.
`--summary` prints the stored results of the last run of the same modules again (also of a
run stopped early: what was not run yet is "not checked"). With `--show`
it prints the diff of every survivor. `--min-rate` makes the exit code fail below a rate.

mutmut mutates inside functions and methods only (its trampolines switch a function's
variants); module-level constants — the 入库 threshold, the project-code pattern — are held by
boundary tests instead (docs/trust.md).
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / ".mutation"

# module key → (source file, the fastest test files that exercise it). Test files are chosen
# for speed: a mutant runs them (only those tests that reach the mutated function).
# Kill rates, first run → latest (docs/trust.md lists every survivor left and why):
#   codes 64.5 → 100, quality 56.2 → 100, case_rules 55.2 → 95.4, overdue (new) 100,
#   money 100 (95.8 in CI, its pure tests only), calendar 67.2 → 93.2, warning_rules 68.8 →
#   95.9 → 96.0 (272 mutants, tests as they were) → 98.5 (the 4 left equivalent),
#   kpis (scoring) 79.8 → 87.2 → 99.1 → 95.8 (237 mutants after the expected-share change,
#   tests as they were) → 98.7, audit_chain 77.2 (pure tests only) → 95.6, mapping 48.0 →
#   90.5, selectors (never run before) → 95.6 → 97.2 (460 mutants after report_get's page
#   flag, tests as they were) → 99.1 (4 left: 3 equivalent, 1 told apart on PostgreSQL
#   only), cpm 78.6 (257 reached) → 84.9 (93 reached) → 87.7 (all 601, tests as they were)
#   → 96.0 (all 601).
MODULES: dict[str, tuple[str, list[str]]] = {
    "codes": ("diaodu/projects/codes.py", ["tests/projects/test_codes.py"]),
    "money": ("diaodu/core/money.py", ["tests/core/test_money.py",
                                        "tests/core/test_audit_money.py"]),
    "case_scopes": ("diaodu/cases/apps.py", ["tests/core/test_scoping.py"]),
    "quality": ("diaodu/investment/quality.py", ["tests/investment/test_quality.py"]),
    "calendar": ("diaodu/core/calendar.py", ["tests/core/test_calendar_edges.py",
                                              "tests/core/test_calendar.py"]),
    "overdue": ("diaodu/core/overdue.py", ["tests/core/test_overdue.py"]),
    "case_rules": ("diaodu/cases/rules.py", ["tests/cases/test_rules.py"]),
    "audit_chain": ("diaodu/core/audit_chain.py", ["tests/core/test_audit_hash.py",
                                                    "tests/core/test_audit_triggers.py",
                                                    "tests/core/test_audit_chain.py"]),
    "cpm": ("diaodu/schedule/cpm.py", ["tests/schedule/test_cpm_edges.py",
                                        "tests/schedule/test_cpm.py"]),
    "warning_rules": ("diaodu/dashboard/rules.py", ["tests/dashboard/test_rules_edges.py",
                                                     "tests/dashboard/test_rules_kpis.py"]),
    "kpis": ("diaodu/dashboard/kpis.py", ["tests/dashboard/test_scoring.py",
                                           "tests/dashboard/test_rules_kpis.py"]),
    "mapping": ("diaodu/ledgers/mapping.py", ["tests/ledgers/test_mapping_edges.py",
                                               "tests/ledgers/test_mapping.py"]),
    "selectors": ("diaodu/investment/selectors.py", ["tests/investment/test_selectors.py",
                                                      "tests/investment/test_selector_lists.py"]),
    "scoping": ("diaodu/core/scoping.py", ["tests/core/test_scoping.py"]),
}
# CI: small pure modules whose tests need no database, so the step stays well under 2 minutes
# on 2 shared cores (docs/trust.md has the timings). Money runs there against its pure tests
# only: `sum_wan` (a database aggregate, 5 mutants) is held by the full run's database test.
CI_MODULES = ["codes", "overdue", "quality", "case_rules", "money"]
CI_TESTS = {"money": ["tests/core/test_money.py"]}
CI_MIN_RATE = 0.9
GIVEN_TESTS = False  # --tests: a separate folder, so it can run beside the module's own run

PYTEST_INI = """\
[tool.pytest.ini_options]
DJANGO_SETTINGS_MODULE = "diaodu.settings"
django_find_project = false
addopts = "-p no:cacheprovider -p no:xdist --reuse-db"
markers = ["browser: drives Debian chromium through Playwright"]
filterwarnings = ["error::RuntimeWarning"]
"""


def _config(sources: list[str], tests: list[str]) -> str:
    return PYTEST_INI + "\n[tool.mutmut]\n" + "\n".join([
        'source_paths = ["diaodu"]',
        f"only_mutate = {json.dumps(sources)}",
        f"pytest_add_cli_args_test_selection = {json.dumps(tests)}",
        'also_copy = ["tests", "locale"]',
        "track_dependencies = false",
        "use_git_change_detection = false",
    ]) + "\n"


def prepare(keys: list[str]) -> Path:
    """A fresh working folder for one run: links to the code, a generated pyproject."""
    sources = [MODULES[k][0] for k in keys]
    tests = list(dict.fromkeys(t for k in keys for t in MODULES[k][1]))
    missing = [t for t in [*sources, *tests] if not (ROOT / t).exists()]
    if missing:
        sys.exit(f"{', '.join(keys)}: missing {', '.join(missing)}")
    work = WORK / ("+".join(keys) + ("-given-tests" if GIVEN_TESTS else ""))
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    for name in ("diaodu", "tests", "locale"):
        (work / name).symlink_to(ROOT / name)
    (work / "pyproject.toml").write_text(_config(sources, tests), encoding="utf-8")
    return work


def results(work: Path, source: str) -> dict[str, int]:
    """Mutant name → mutmut exit code, from the meta file mutmut writes beside the mutant."""
    meta = work / "mutants" / (source + ".meta")
    return json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]


def classify(code: int | None) -> str:
    from mutmut.stats import status_by_exit_code

    status = status_by_exit_code.get(code, "not checked")
    if status in ("killed", "timeout", "segfault", "caught by type check"):
        return "killed"
    if status == "no tests":
        return "no tests"
    if status == "survived":
        return "survived"
    return status


def run_group(keys: list[str], *, jobs: int, show: bool) -> list[dict[str, object]]:
    """One mutmut run over the modules `keys` (one start-up: Django, the test collection and
    the coverage run are paid once); a row per module."""
    work = prepare(keys)
    env = {**os.environ, "DIAODU_TEST_SQLITE": str(work / "test.sqlite3"),
           "DIAODU_DATA_DIR": str(work / "data"), "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("DATABASE_URL", None)  # SQLite file: PostgreSQL would be shared by every mutant
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "mutmut", "run", "--max-children", str(jobs)],
                          cwd=work, env=env, capture_output=True, text=True)
    seconds = time.monotonic() - start
    (work / "mutmut.log").write_text(proc.stdout + proc.stderr, encoding="utf-8")
    return summarise(work, keys, env=env, seconds=seconds, show=show, log=proc)


def summarise(work: Path, keys: list[str], *, env: dict | None = None, seconds: float = 0,
              show: bool = False, log=None) -> list[dict[str, object]]:
    """A row per module from the results mutmut stored in `work` (also of a run stopped
    early: mutants not yet run count as "not checked" and the rate is over those checked)."""
    rows = []
    for key in keys:
        source = MODULES[key][0]
        try:
            codes = results(work, source)
        except FileNotFoundError:
            if log is not None:
                print(log.stdout[-3000:], log.stderr[-3000:], sep="\n")
            sys.exit(f"{key}: mutmut produced no results (log: {work / 'mutmut.log'})")
        counts: dict[str, int] = {}
        survivors = []
        for name, code in sorted(codes.items()):
            status = classify(code)
            counts[status] = counts.get(status, 0) + 1
            if status not in ("killed", "not checked"):
                survivors.append((name, status))
        total, killed = len(codes), counts.get("killed", 0)
        checked = total - counts.get("not checked", 0)
        rows.append({"module": key, "source": source, "mutants": total, "checked": checked,
                     "killed": killed, "survived": counts.get("survived", 0),
                     "no_tests": counts.get("no tests", 0),
                     "rate": killed / checked if checked else 1.0, "seconds": round(seconds),
                     "survivors": [f"{name} ({status})" for name, status in survivors]})
        if show:
            for name, status in survivors:
                diff = subprocess.run([sys.executable, "-m", "mutmut", "show", name], cwd=work,
                                      env=env, capture_output=True, text=True).stdout
                print(f"--- {status}: {name}\n{diff}")
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help=f"any of: {', '.join(MODULES)}")
    parser.add_argument("--list", action="store_true", help="list modules and their tests")
    parser.add_argument("--ci", action="store_true", help=f"run {', '.join(CI_MODULES)}")
    parser.add_argument("--jobs", type=int, default=1, help="mutants at once (default 1)")
    parser.add_argument("--show", action="store_true", help="print each survivor's diff")
    parser.add_argument("--min-rate", type=float, default=None,
                        help="exit 1 when a module's kill rate is below this (0-1)")
    parser.add_argument("--json", type=Path, help="also write the rows to this file")
    parser.add_argument("--summary", action="store_true",
                        help="only print the results stored by the last run of these modules")
    parser.add_argument("--tests", nargs="+", help="other test files for one module (e.g. to "
                        "measure the suite as it was before a test file was added)")
    args = parser.parse_args()
    if args.list:
        for key, (source, tests) in MODULES.items():
            print(f"{key:14} {source:34} {' '.join(tests)}")
        return 0
    keys = CI_MODULES if args.ci else args.modules
    if args.ci:
        for key, tests in CI_TESTS.items():
            MODULES[key] = (MODULES[key][0], tests)
    min_rate = CI_MIN_RATE if args.ci and args.min_rate is None else args.min_rate
    unknown = [k for k in keys if k not in MODULES]
    if not keys or unknown:
        parser.error(f"name modules from: {', '.join(MODULES)}")
    if args.tests:
        if len(keys) != 1:
            parser.error("--tests goes with exactly one module")
        MODULES[keys[0]] = (MODULES[keys[0]][0], args.tests)
        global GIVEN_TESTS
        GIVEN_TESTS = True
    if args.summary:
        work = WORK / ("+".join(keys) + ("-given-tests" if GIVEN_TESTS else ""))
        rows = summarise(work, keys, show=args.show)
    else:
        rows = run_group(keys, jobs=args.jobs, show=args.show)
    print(f"\n{'module':14} {'mutants':>7} {'checked':>7} {'killed':>6} {'survived':>8} "
          f"{'no tests':>8} {'rate':>6}")
    for r in rows:
        print(f"{r['module']:14} {r['mutants']:7} {r['checked']:7} {r['killed']:6} "
              f"{r['survived']:8} {r['no_tests']:8} {r['rate']:6.1%}")
        for name in r["survivors"]:
            print(f"    not killed: {name}")
    if not args.summary:
        print(f"one mutmut run: {rows[0]['seconds']} s")
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    if min_rate is not None and any(r["rate"] < min_rate for r in rows):
        print(f"kill rate below {min_rate:.0%}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
