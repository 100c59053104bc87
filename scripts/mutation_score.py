"""Print the mutation score of the last `mutmut run`: mutants killed out of mutants made, per module and in all."""
import collections
import subprocess
import sys

# Only a failing test counts as a kill. A timeout may be a real hang or only a busy machine, so it is counted
# apart; "no tests" and "not checked" count against the score.
KILLED = {"killed", "caught by type check"}


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
        made = counts["killed"] + counts["alive"]
        print(f"{module:28} {counts['killed']:5} / {made:5} killed ({counts['killed'] / made:.0%}),"
              f" {counts['timeout']} timed out")
    made = total["killed"] + total["alive"]
    print(f"{'all':28} {total['killed']:5} / {made:5} killed ({total['killed'] / made:.1%}),"
          f" {total['timeout']} timed out")
    print(f"\n{len(survivors)} not killed (`mutmut show NAME` prints one):")
    print("\n".join(f"  {line}" for line in survivors))


if __name__ == "__main__":
    main()
