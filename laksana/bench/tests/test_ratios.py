"""Laksana's figures held against the stack limit's of the same run (issue 20): ours ÷ limit
and ours ÷ peer, whether each ratio target is met, and how latest.json and latest.md say so."""

import json

from laksana.bench import scenarios as sc
from laksana.bench.report import Results
from laksana.bench.runner import Bench, Options


def _results() -> Results:
    r = Results()
    for size, ours in ((10_000, 30.0), (1_000_000, 50.0)):
        r.add("staff_list_filtered", size, "latency", "ms", ours, ours * 2)
        r.add(sc.A_50, size, "latency", "ms", 12.0, 40.0)
    r.add("helpdesk.ticket_list", 10_000, "latency", "ms", 600.0, 900.0)
    r.add("public_track", 10_000, "latency", "ms", 20.0, 30.0)
    r.add(sc.A_25, 10_000, "latency", "ms", 11.0, 16.0)
    r.add("intake", 10_000, "throughput", "req/s", 100.0, None, True)
    r.add("intake", 10_000, "latency", "ms", 300.0, 500.0)
    r.add(sc.LIMIT_INTAKE, 10_000, "throughput", "req/s", 400.0, None, True)
    r.add(sc.LIMIT_INTAKE, 10_000, "latency", "ms", 70.0, 200.0)
    r.add("helpdesk.ticket_create", 10_000, "throughput", "req/s", 50.0, None, True)
    r.add(sc.LIVE.name, 10_000, "latency", "ms", 30.0, 60.0)
    r.add(sc.LIMIT_LIVE, 10_000, "latency", "ms", 10.0, 50.0)
    r.add("memory", 10_000, "peak_rss_per_worker", "MB", 180.0)
    r.add("limit.memory", 10_000, "peak_rss_per_worker", "MB", 60.0)
    r.add("report_trends_30d", 10_000, "latency", "ms", 1200.0, 1500.0)
    return r


def _row(rows, scenario, size=10_000, metric="latency") -> dict:
    return next(
        x for x in rows if (x["scenario"], x["size"], x["metric"]) == (scenario, size, metric)
    )


def test_a_read_is_held_within_twice_the_limit_at_p50_and_p99():
    rows = _results().rows()
    track = _row(rows, "public_track")  # 20 / 11 and 30 / 16: both within 2x
    assert track["ours_over_limit"] == round(20 / 11, 3)
    assert track["ours_over_limit_p99"] == round(30 / 16, 3)
    assert track["limit_scenario"] == sc.A_25 and track["met"] is True
    listed = _row(rows, "staff_list_filtered")  # 30 / 12 = 2.5 at p50, 60 / 40 at p99
    assert listed["checks"] == {"limit_p50": False, "limit_p99": True}
    assert listed["met"] is False
    assert listed["ours_over_peer"] == 0.05  # 30 ms against the peer's 600


def test_growth_from_the_smallest_size_is_still_checked():
    deep = _row(_results().rows(), "staff_list_filtered", size=1_000_000)
    assert deep["checks"]["growth"] is False  # 50 ms at 10^6 against 30 at 10^4: over 1.5x


def test_intake_throughput_is_held_at_half_the_limits_and_its_p99_within_three_times():
    rows = _results().rows()
    rate = _row(rows, "intake", metric="throughput")
    assert rate["ours_over_limit"] == 0.25 and rate["met"] is False
    assert rate["ours_over_peer"] == 2.0
    latency = _row(rows, "intake")
    assert latency["ours_over_limit_p99"] == 2.5 and latency["met"] is True


def test_live_fan_out_is_held_within_one_and_a_half_times_the_limits_p99():
    live = _row(_results().rows(), sc.LIVE.name)
    assert live["ours_over_limit_p99"] == 1.2
    assert live["checks"] == {"limit_p99": True}


def test_targets_kept_absolute_where_no_limit_compares():
    rows = _results().rows()
    memory = _row(rows, "memory", metric="peak_rss_per_worker")
    assert memory["ours_over_limit"] == 3.0 and memory["met"] is True  # 180 MB <= 200
    report = _row(rows, "report_trends_30d")
    assert report["target"] == sc.REPORT_TARGET_MS and report["met"] is False


def test_without_the_limit_a_ratio_target_is_not_judged():
    r = Results()
    r.add("public_track", 10_000, "latency", "ms", 20.0, 30.0)
    row = r.rows()[0]
    assert row["ours_over_limit"] is None and row["met"] is None


def test_latest_json_and_md_carry_the_ratios_and_the_load_of_each_part(tmp_path):
    r = _results()
    r.parts.append(
        {"part": "Laksana reads", "seconds": 61.2, "load_before": 1.5, "load_after": 3.25}
    )
    r.write(tmp_path, commit="abc123", machine_text="2 cores", command="laksana bench")
    document = json.loads((tmp_path / "latest.json").read_text())
    assert _row(document["results"], "public_track")["ours_over_limit"] == round(20 / 11, 3)
    assert document["parts"][0]["load_after"] == 3.25
    md = (tmp_path / "latest.md").read_text()
    assert "| staff_list_filtered | latency | limit.api_page_50 | ≤ 2× at p50 and p99 " in md
    assert "2.5× / 1.5× **missed**" in md
    assert "| intake | throughput | limit.insert_two_rows | ≥ 0.5× at p50 | 0.25× / –" in md
    assert "| Laksana reads | 61 | 1.5 → 3.2 |" in md


def test_every_limit_a_scenario_names_is_one_the_limit_measures():
    measured = {r.name for r in sc.LIMIT_READS} | {sc.LIMIT_INTAKE, sc.LIMIT_LIVE}
    named = {r.limit for r in sc.READS if r.limit} | {sc.LIVE.limit}
    assert named <= measured


def _options(**kw) -> Options:
    defaults = dict(
        database_url="postgres:///laksana_bench",
        sizes=[10_000],
        repeat=1,
        quick=True,
        read_clients=4,
        intake_clients=32,
        port=8810,
        peer=False,
        seed=1,
        days=30,
        region="kota-tangerang",
        output=None,
        command="",
    )
    return Options(**(defaults | kw))


def test_a_limit_scenario_runs_when_a_scenario_held_against_it_runs():
    only_list = _options(only=("staff_list",))
    assert only_list.limit_selected(sc.A_50)
    assert not only_list.limit_selected(sc.B_25)
    assert not only_list.limit_selected(sc.LIMIT_INTAKE)
    assert _options(only=("intake",)).limit_selected(sc.LIMIT_INTAKE)
    assert not _options(only=("report_",)).limit_selected(sc.PAGE_1000)
    assert not _options(limit=False).limit_selected(sc.A_25)


def test_each_part_of_a_run_records_its_time_and_the_load_before_and_after(monkeypatch):
    loads = iter([(1.5, 1.0, 1.0), (3.25, 2.0, 1.0)])
    monkeypatch.setattr("laksana.bench.runner.os.getloadavg", lambda: next(loads))
    bench = Bench(_options())
    with bench.part("limit reads 10,000 run 1"):
        pass
    (part,) = bench.results.parts
    assert (part["part"], part["load_before"], part["load_after"]) == (
        "limit reads 10,000 run 1",
        1.5,
        3.25,
    )
    assert bench.timings == ["limit reads 10,000 run 1: 0 s, load 1.5 → 3.2"]


def test_reads_on_sqlite_are_held_against_the_limit_served_from_the_same_sqlite_file():
    r = Results()
    r.add(f"{sc.SQLITE}public_track", 10_000, "latency", "ms", 30.0, 50.0)
    r.add(f"{sc.SQLITE}{sc.A_25}", 10_000, "latency", "ms", 10.0, 20.0)
    r.add(sc.A_25, 10_000, "latency", "ms", 100.0, 100.0)  # PostgreSQL's: not this one's limit
    rows = r.rows()
    track = _row(rows, f"{sc.SQLITE}public_track")
    assert track["limit_scenario"] == f"{sc.SQLITE}{sc.A_25}"
    assert (track["ours_over_limit"], track["ours_over_limit_p99"]) == (3.0, 2.5)
    assert track["met"] is False
    assert "limit_scenario" not in _row(rows, f"{sc.SQLITE}{sc.A_25}")  # a limit's own figure


def test_a_run_stopped_half_way_leaves_the_figures_of_the_parts_that_finished(
    tmp_path, monkeypatch
):
    """A full run takes most of an hour; one stopped by timeout(1) during the peer's 10^6 pages
    wrote nothing at all, and every figure of the 50 minutes before was lost."""
    import os
    import signal

    import pytest

    monkeypatch.setattr("laksana.bench.runner.pg_version", lambda url: "15.20")
    bench = Bench(_options(sizes=[10_000, 100_000], output=tmp_path))

    def laksana(size):
        if size == 100_000:  # as `timeout` would, half-way through the second size
            os.kill(os.getpid(), signal.SIGTERM)
        bench.results.add("public_track", size, "latency", "ms", 20.0, 30.0)

    monkeypatch.setattr(bench, "laksana", laksana)
    handler = signal.getsignal(signal.SIGTERM)
    with pytest.raises(SystemExit):
        bench.run()
    assert signal.getsignal(signal.SIGTERM) == handler  # put back
    document = json.loads((tmp_path / "latest.json").read_text())
    assert [(r["scenario"], r["size"]) for r in document["results"]] == [("public_track", 10_000)]
    markdown = (tmp_path / "latest.md").read_text()
    assert "Partial: the run stopped at 100,000 (SystemExit: 143)" in markdown


def test_the_runs_own_results_do_not_mark_the_code_it_measured_dirty(tmp_path):
    """The results are written after every part: a run's second part used to record its commit
    as "+dirty" because of the first part's latest.json."""
    import subprocess

    from laksana.bench.report import git_commit

    def git(*args):
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    git("init", "-q")
    (tmp_path / "bench" / "results").mkdir(parents=True)
    (tmp_path / "bench" / "results" / "latest.json").write_text("{}")
    (tmp_path / "code.py").write_text("x = 1\n")
    git("add", ".")
    git("-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "start")
    (tmp_path / "bench" / "results" / "latest.json").write_text('{"results": []}')
    assert not git_commit(tmp_path).endswith("+dirty")
    (tmp_path / "code.py").write_text("x = 2\n")
    assert git_commit(tmp_path).endswith("+dirty")


def test_the_report_names_the_scenarios_that_raised_the_workers_peak_memory(tmp_path):
    bench = Bench(_options(output=tmp_path))
    bench.peaks = [("serving", 120.0), ("portal_home", 120.4), ("open311_requests_1000", 150.0)]
    bench.peaks += [("intake", 149.0), ("live_sse_commit_to_delivery", 190.0)]
    assert bench.peak_rises() == (
        "the largest worker held 120 MB once serving and peaked at 190 MB; the scenarios that "
        "raised its peak most: live_sse_commit_to_delivery +40 MB, open311_requests_1000 +30 MB."
    )
