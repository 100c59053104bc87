"""Make mutmut's mutants, then give each function the tests of its own module in mutmut's map.

`mutmut run` runs a mutant against every test its map says calls the function. That map is wrong for Waymark
both ways. Too wide: nearly every function runs in every request (the headers, the language, the page), so a
mutant that lives was run against about 1,100 tests and 9 minutes of them, and the 2,500 mutants of webapp/
would take days here. Too narrow: mutmut records a call for the test running when it happens, and the tests
share one app, made (with everything it computes once: the security policy, the languages, each rendered
page and card) for the first test that needs it; every later test that uses it is recorded as calling none
of that, and a mutant there was run only against tests that could not see it.

So `make mutation` runs this first: mutmut's own first steps (the mutants, and the map, which also lists every
test), then each mutated function gets every test in its module's own test files (`FOCUS` below).
`mutmut run` runs each mutant against those, and stops at the first failure.

This can only lower the score: a mutant is killed only by a test of the suite failing, and one that lives
might have been killed by a test of another module.
"""
import fnmatch
import json
import os
import sys
from pathlib import Path

# Which test files hold each module's promises (paths as pytest names them, from mutants/).
FOCUS = {
    "webapp.x_*": ["tests/integration/test_pages.py", "tests/integration/test_security_headers.py",
                   "tests/integration/test_database_down.py", "tests/unit/test_assets.py"],
    "webapp.assets.*": ["tests/unit/test_assets.py", "tests/integration/test_pages.py",
                        "tests/integration/test_lite_view.py", "tests/integration/test_security_headers.py"],
    "webapp.cards.*": ["tests/integration/test_cards.py"],
    "webapp.config.*": ["tests/integration/test_pages.py", "tests/integration/test_security_headers.py"],
    "webapp.delivery.*": ["tests/integration/test_pages.py", "tests/integration/test_security_headers.py",
                          "tests/integration/test_lite_view.py"],
    "webapp.errors.*": ["tests/integration/test_pages.py", "tests/integration/test_security_headers.py",
                        "tests/integration/test_lite_view.py"],
    "webapp.export.*": ["tests/integration/test_export.py"],
    "webapp.findability.*": ["tests/integration/test_findability.py"],
    "webapp.helplines.*": ["tests/unit/test_helplines.py"],
    "webapp.i18n.*": ["tests/unit/test_negotiation.py", "tests/unit/test_catalogs.py",
                      "tests/unit/test_language_rules.py", "tests/integration/test_pages.py",
                      "tests/integration/test_languages.py"],
    "webapp.language_of_parts.*": ["tests/integration/test_language_of_parts.py"],
    "webapp.offline.*": ["tests/integration/test_offline_build.py"],
    "webapp.pages.*": ["tests/integration/test_pages.py", "tests/integration/test_lite_view.py",
                       "tests/integration/test_check_your_situation.py"],
    "webapp.push.*": ["tests/unit/test_push_endpoint.py", "tests/integration/test_push.py",
                      "tests/integration/test_push_hostile.py", "tests/integration/test_push_migrations.py",
                      "tests/integration/test_database_down.py", "tests/integration/test_shared_rate_limit.py"],
    "webapp.quick_exit.*": ["tests/integration/test_quick_exit_route.py",
                            "tests/integration/test_security_headers.py"],
    "webapp.security.*": ["tests/integration/test_security_headers.py",
                          "tests/integration/test_quick_exit_route.py"],
    "webapp.updates.*": ["tests/integration/test_pages.py", "tests/unit/test_catalogs.py"],
}
# Tests in those files that cannot see a module's mutants, left out for speed: a surviving mutant runs all the
# rest. The descriptions are the templates' and the catalogs' (36 languages, a third of findability's time);
# findability.py's links are on every page the other tests of its file read.
NOT_FOCUS = {
    "webapp.findability.*": ["tests/integration/test_findability.py::test_every_page_has_a_description_in_its_language"],
}
STATS = Path("mutants/mutmut-stats.json")


def make_mutants_and_map(jobs):
    """mutmut's own first steps of `mutmut run`, without running any mutant."""
    import mutmut.__main__ as mutmut

    mutmut.set_mutant_under_test("mutant_generation")
    os.makedirs("mutants", exist_ok=True)
    mutmut.copy_src_dir()
    mutmut.copy_also_copy_files()
    mutmut.setup_source_paths()
    mutmut.store_lines_covered_by_tests()
    mutmut.create_mutants(jobs)
    mutmut.collect_or_load_stats(mutmut.get_mutant_runner(jobs), apply_config_invalidation=True)


def focus_of(function):
    for pattern, files in FOCUS.items():
        if fnmatch.fnmatchcase(function, pattern):
            return files
    raise SystemExit(f"mutation_prepare.py: no FOCUS entry names the tests of {function}")


def left_out(function, test):
    return any(fnmatch.fnmatchcase(function, pattern) and any(test.startswith(prefix) for prefix in prefixes)
               for pattern, prefixes in NOT_FOCUS.items())


def mutated_functions():
    """Every function with a mutant, called by a test or not (mutmut's map names only the called ones)."""
    import mutmut.__main__ as mutmut
    from mutmut.utils.format_utils import mangled_name_from_mutant_name

    mutants, _ = mutmut.collect_source_file_mutation_data(mutant_names=[])
    return {mangled_name_from_mutant_name(name.replace("__init__.", "")) for _, name, _ in mutants}


def narrow():
    stats = json.loads(STATS.read_text())
    every_test = list(stats["duration_by_test"])
    callers = stats["tests_by_mangled_function_name"]
    for function in mutated_functions() | set(callers):
        files = focus_of(function)
        callers[function] = [test for test in every_test
                             if test.split("::")[0] in files and not left_out(function, test)]
    STATS.write_text(json.dumps(stats, indent=1))


if __name__ == "__main__":
    make_mutants_and_map(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
    narrow()
