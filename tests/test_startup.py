"""The launch path: the first result computed in a forked child, the base-map shell loaded
while it computes, and the scenario's layers put onto that shell."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from reach_planner.geo.params import ScenarioParams
from tests.conftest import ROOT, SMALL_SCENARIO

pytestmark = pytest.mark.qt

CHILD = """
import json, sys
from reach_planner.ui.app import single_threaded_blas
single_threaded_blas()  # as the launch does, before numpy is imported
from reach_planner.geo.params import ScenarioParams
from reach_planner.ui.prefetch import Prefetch
params = ScenarioParams(**json.loads(sys.argv[1]))
p = Prefetch.start(params, None, sys.argv[2])
assert p is not None, "a fresh interpreter with one-thread BLAS can fork"
value = p.receive()
from reach_planner.ui.maps.web import MapOptions
from reach_planner.ui.runner import scenario_job
here = scenario_job(params, None, MapOptions(lang=sys.argv[2]))(lambda *a: None)
a, b = value[0].summary, here[0].summary
print(json.dumps({"used": p.used, "same_summary": a == b, "same_script": value[2] == here[2],
                  "covered": a.rural_covered_pct, "regions": a.gap_regions,
                  "grid_cached": "_all_polygons" in value[0].demand.grid.__dict__}))
"""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_forked_child_gives_exactly_the_result_computed_here(lang):
    params = {"outlets": 3000, "sites": 300, "seed": 5}
    p = subprocess.run([sys.executable, "-c", CHILD, json.dumps(params), lang], cwd=ROOT,
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr[-3000:]
    out = json.loads(p.stdout.strip().splitlines()[-1])
    assert out["used"] and out["same_summary"] and out["same_script"]
    assert 0 < out["covered"] < 100 and out["regions"] > 0
    assert not out["grid_cached"]  # the 15 MB polygon cache does not travel through the pipe


def test_no_fork_while_other_threads_run():
    from reach_planner.ui.prefetch import Prefetch

    stop = threading.Event()
    t = threading.Thread(target=stop.wait)
    t.start()
    try:
        assert Prefetch.start(ScenarioParams(outlets=100, sites=10)) is None
    finally:
        stop.set()
        t.join()


def test_a_failed_child_falls_back_to_computing_here():
    from reach_planner.ui.prefetch import Prefetch

    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # a child that dies without an answer
        os._exit(3)
    os.close(write)
    p = Prefetch(pid, read, SMALL_SCENARIO, None)
    assert p.job(fallback=lambda progress: "computed here")(lambda *a: None) == "computed here"
    assert not p.used


def test_the_shell_reports_drawn_only_once_the_data_is_on_it(qapp, tmp_path):
    from reach_planner.geo.scenario import run_scenario
    from reach_planner.ui.maps.web import MapOptions, build_payload, update_script, write_shell
    from reach_planner.ui.mapview import MapView
    from tests.qt_helpers import run_js, wait_until

    script = update_script(build_payload(run_scenario(SMALL_SCENARIO), MapOptions()))
    view = MapView()
    view.resize(900, 600)
    view.show()
    drawn = []
    view.drawn.connect(lambda: drawn.append(time.monotonic()))
    view.load_shell(write_shell(tmp_path / "shell.html"))
    assert wait_until(lambda: run_js(view, "!!(window.rp && rp.drawn)") is True, 60)
    assert not drawn and not view.is_drawn and view.awaiting_data  # the base map alone is not the map
    assert run_js(view, "Object.keys(rp.named).length") == 0
    view.show_data(script)
    assert wait_until(lambda: view.is_drawn, 60)
    assert len(drawn) == 1
    assert run_js(view, "rp.need.outlet().getLayers().length") == SMALL_SCENARIO.outlets  # made on demand
    names = run_js(view, "JSON.stringify(rp.layerControl._layers.map(function(l) { return l.name; }))")
    assert json.loads(names)[:2] == ["Provinces", "Covered area"]  # as on a whole page:
    assert json.loads(names)[-2:] == ["Shaded relief", "Cities"]  # the base map's layers last
    view.close()
    view.deleteLater()


def test_data_sent_before_the_shell_has_loaded_waits_for_it(qapp, tmp_path):
    from reach_planner.geo.scenario import run_scenario
    from reach_planner.ui.maps.web import MapOptions, build_payload, update_script, write_shell
    from reach_planner.ui.mapview import MapView
    from tests.qt_helpers import run_js, wait_until

    script = update_script(build_payload(run_scenario(SMALL_SCENARIO), MapOptions(show_sites=False)))
    view = MapView()
    view.resize(900, 600)
    view.show()
    view.load_shell(write_shell(tmp_path / "shell.html"))
    view.show_data(script)  # at once: Chromium has not even started on the page
    assert wait_until(lambda: view.is_drawn, 60)
    assert run_js(view, "rp.need.outlet().getLayers().length") == SMALL_SCENARIO.outlets  # made on demand
    # a layer the options switch off arrives listed but not shown
    assert run_js(view, "rp.map.hasLayer(rp.layers.site)") is False
    view.close()
    view.deleteLater()


def test_the_launch_computes_the_first_result_in_parallel(tmp_path):
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path)}
    p = subprocess.run([sys.executable, str(ROOT / "main.py"), "--quit-when-drawn", "--outlets", "3000"],
                       cwd=ROOT, capture_output=True, text=True, timeout=300, env=env)
    assert p.returncode == 0, p.stderr[-3000:]
    assert "map drawn" in p.stdout and "(first result computed in parallel)" in p.stdout, p.stdout


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_child_s_map_texts_are_the_window_s(qapp, tmp_path, lang):
    """The child reads texts from the .ts catalogue, the window through Qt's translator:
    they must agree, or the first map would differ from every recompute after it."""
    from reach_planner.ui.i18n import set_language
    from reach_planner.ui.maps.style import JS_TEXTS, MAP_TEXT_LABELS
    from reach_planner.ui.maps.web_layers import MapOptions
    from reach_planner.ui.state import AppState

    assert set_language(lang, remember=False)
    try:
        window_opts, child_opts = AppState(tmp_path).map_options(), MapOptions(lang=lang)
        for text in (*MAP_TEXT_LABELS, *JS_TEXTS):
            assert window_opts.t(text) == child_opts.t(text), text
    finally:
        set_language("en", remember=False)


def test_closing_early_kills_the_child_and_the_cancelled_job_ends():
    """The window closed before the first result arrived: the exit must not wait for the
    child's whole run (it used to), nor compute the fallback."""
    from reach_planner.geo.scenario import Cancelled
    from reach_planner.ui.prefetch import Prefetch

    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # a child still computing
        time.sleep(120)
        os._exit(0)
    os.close(write)
    p = Prefetch(pid, read, SMALL_SCENARIO, None)
    p.stop()

    def cancelled(*_a):  # the runner's progress callback of a cancelled task
        raise Cancelled()

    with pytest.raises(Cancelled):
        p.job(fallback=lambda progress: progress(0, "start") or "computed")(cancelled)
    assert os.WIFSIGNALED(p.status) and os.WTERMSIG(p.status) == signal.SIGKILL
    assert not p.used
    p.stop()  # reaped: stopping again is harmless
