"""Print the mutation score of the last `mutmut run`: mutants killed out of mutants tested, per module and in all."""
import collections
import subprocess
import sys

# Only a failing test counts as a kill. A timeout may be a real hang or only a busy machine, so it is counted
# apart (and against the score), as is "no tests". A mutant not yet run ("not checked") is no result at all:
# it is counted apart and not in the score, so a partial run says plainly how much of webapp/ it measured.
KILLED = {"killed", "caught by type check"}
NOT_RUN = "not checked"


def main():
    output = subprocess.run([sys.executable, "-m", "mutmut", "results", "--all=true"], capture_output=True,
                            text=True, check=True).stdout
    by_module = collections.defaultdict(collections.Counter)
    survivors = []
    for line in output.splitlines():
        name, _, status = line.strip().rpartition(": ")
        if not name:
            continue
        module = name.split("__mutmut_")[0].rsplit(".", 1)[0]  # webapp.helplines.x__check__mutmut_3
        if status == NOT_RUN:
            by_module[module]["not run"] += 1
            continue
        by_module[module]["killed" if status in KILLED else "alive"] += 1
        by_module[module]["timeout"] += status == "timeout"
        if status not in KILLED:
            survivors.append(f"{name}: {status}")
    if not by_module:
        sys.exit("No mutation results: run `make mutation` first.")
    total = collections.Counter()
    for module in sorted(by_module):
        counts = by_module[module]
        total.update(counts)
        tested = counts["killed"] + counts["alive"]
        score = f"({counts['killed'] / tested:.0%})" if tested else "(not run)"
        print(f"{module:32} {counts['killed']:5} / {tested:5} killed {score:10} {counts['timeout']} timed out,"
              f" {counts['not run']} not run")
    tested = total["killed"] + total["alive"]
    score = f"({total['killed'] / tested:.1%})" if tested else "(not run)"
    print(f"{'all':32} {total['killed']:5} / {tested:5} killed {score:10} {total['timeout']} timed out,"
          f" {total['not run']} not run")
    if total["not run"]:
        print(f"\n{total['not run']} mutants were not run: the score covers only the {tested} that were.")
    print(f"\n{len(survivors)} not killed (`mutmut show NAME` prints one):")
    print("\n".join(f"  {line}" for line in survivors))


if __name__ == "__main__":
    main()
