"""End to end through the Dagster UI: `dagster dev` on a demo state, driven by a real (Debian) Chromium.

The lineage graph shows the six daily assets and the model, with their checks; one partition is materialised with
the Materialize button of the daily job's page and its run succeeds (without freshness checks); an asset page shows
the metadata the pipeline attaches. The screenshots land in docs/ (for the README) and, with failure evidence, in
test-artifacts/ui/ (for CI).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from review_platform.ops.status import status_report
from review_platform_tests.platform_fixture import Platform, make_platform
from review_platform_tests.ui.dagster_dev import DagsterDev

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DOCS = PROJECT_ROOT / "docs"
ARTIFACTS = PROJECT_ROOT / "test-artifacts" / "ui"

HISTORY_DAY = "2026-06-01"  # materialised before the UI starts, so it has history to show
UI_DAY = "2026-06-02"  # materialised from the UI
REVIEWS_PER_DAY = 60
ASSETS = [
    "postgres_reviews",
    "raw_s3",
    "anonymised_reviews",
    "categorised_reviews",
    "snowflake_views",
    "mongo_collections",
]
MODEL_ASSET = "nlp_model"  # unpartitioned; the shipped heads, never trained here
RUN_TIMEOUT_S = 300
UI_TIMEOUT_MS = 60_000

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",  # containers often have a tiny /dev/shm
]


def find_chromium() -> str | None:
    """The system Chromium (Debian's `chromium` package); Playwright's own download needs the internet."""
    for candidate in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


CHROMIUM = find_chromium()

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="no Chromium found (/usr/bin/chromium or on PATH): `make install` installs Debian's `chromium`",
    ),
]


def save_screenshot(page: Page, name: str, *, docs: bool = False) -> None:
    """A screenshot in test-artifacts/ui (CI keeps it); the README's pictures in docs/ are refreshed only on
    request (`make screenshots`), so that a test run leaves the tree clean."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / name)
    if docs and os.environ.get("UPDATE_SCREENSHOTS") == "1":
        DOCS.mkdir(exist_ok=True)
        shutil.copyfile(ARTIFACTS / name, DOCS / name)


@contextmanager
def evidence_on_failure(page: Page, name: str) -> Iterator[None]:
    """On any failure, keep what the browser showed (screenshot + HTML) before re-raising."""
    try:
        yield
    except BaseException:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        try:
            page.screenshot(path=ARTIFACTS / f"{name}-failure.png")
            (ARTIFACTS / f"{name}-failure.html").write_text(page.content())
        except Exception as error:  # the browser itself may be what failed
            (ARTIFACTS / f"{name}-failure.txt").write_text(f"no screenshot: {error!r}\n")
        raise


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    """Two seeded days; the first one materialised (in process) so the UI has runs, checks and metadata."""
    home = tmp_path_factory.mktemp("ui_state")
    with pytest.MonkeyPatch.context() as env:
        platform = make_platform(env, home)
        for day in (HISTORY_DAY, UI_DAY):
            platform.seed(dt.date.fromisoformat(day), REVIEWS_PER_DAY)
        [history] = platform.run([HISTORY_DAY])
        assert history.success, f"the history run failed: {history.failed_checks}"
        yield platform


@pytest.fixture(scope="module")
def dagster_ui(platform: Platform) -> Iterator[DagsterDev]:
    """`dagster dev` on the platform's state, with the first-visit "join the community" modal already seen."""
    env = {
        **os.environ,
        "DAGSTER_HOME": str(platform.settings.dagster_home),
        "REVIEW_PLATFORM_HOME": str(platform.settings.home),
    }
    server = DagsterDev(PROJECT_ROOT, env, ARTIFACTS / "dagster_dev.log")
    try:
        server.start(timeout_s=120)
        assert server.graphql("mutation { setNuxSeen }")["setNuxSeen"] is True
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def page(dagster_ui: DagsterDev) -> Iterator[Page]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            context = browser.new_context(viewport={"width": 1920, "height": 1080}, base_url=dagster_ui.url)
            context.set_default_timeout(UI_TIMEOUT_MS)
            yield context.new_page()
        finally:
            browser.close()


def icon_button(page: Page, icon: str):
    """Dagster's icon-only buttons are named by their icon's aria-label (e.g. `zoom_in`, `panel_show_right`)."""
    return page.get_by_role("button").filter(has=page.get_by_role("img", name=icon, exact=True))


def test_lineage_graph_shows_the_assets_and_their_checks(page: Page):
    with evidence_on_failure(page, "lineage"):
        page.goto("/asset-groups")
        expect(page.get_by_text("Global asset lineage")).to_be_visible()
        # More room for the graph, so that zoom-to-fit draws full nodes (with their checks), not bare names.
        page.get_by_text("Hide navigation", exact=True).click()
        icon_button(page, "panel_show_right").click()
        # With several groups the graph starts with every group collapsed; ⌥E is its "Expand all groups" (a toggle,
        # so it is pressed only while the assets are hidden, and again if the graph had not loaded yet).
        first_asset = page.get_by_text(ASSETS[0], exact=True).first
        collapsed_group = page.get_by_role("img", name="unfold_more", exact=True)
        expect(collapsed_group.or_(first_asset).first).to_be_visible()  # the graph has loaded
        for _ in range(3):
            if first_asset.is_visible():
                break
            page.keyboard.press("Alt+e")
            with suppress(PlaywrightTimeoutError):
                first_asset.wait_for(state="visible", timeout=5_000)
        asset_checks_rows = page.get_by_text("Asset checks", exact=True)
        for _ in range(3):
            with suppress(PlaywrightTimeoutError):
                asset_checks_rows.first.wait_for(state="visible", timeout=3_000)
                break
            icon_button(page, "zoom_in").click()  # still drawn as bare names: zoom in one step

        for asset in [*ASSETS, MODEL_ASSET]:
            expect(page.get_by_text(asset, exact=True).first).to_be_visible()
        expect(asset_checks_rows).to_have_count(len(ASSETS) + 1)
        # Every daily asset has checks, and they have run: "n / m Passed" (n > 0) on each of their nodes. The model
        # is the shipped heads, recorded as materialised by the first run (so the daily job's Materialize does not
        # warn of a missing upstream); its three checks run only when it is trained.
        expect(page.get_by_text(re.compile(r"^[1-9]\d* / \d+ Passed$"))).to_have_count(len(ASSETS))
        expect(page.get_by_text("0 / 3 Passed", exact=True)).to_have_count(1)
        expect(page.get_by_text("Never materialized", exact=True)).to_have_count(0)
        save_screenshot(page, "lineage.png", docs=True)


def test_materialize_one_partition_with_the_ui_button(page: Page, dagster_ui: DagsterDev, platform: Platform):
    with evidence_on_failure(page, "materialize"):
        # The daily job's page: its "Materialize all" is the day's six assets and their checks, neither the model's
        # training nor the freshness checks (the global graph's button would include both).
        page.goto("/locations/review_platform/jobs/review_pipeline")
        # Its accessible name starts with the icon's label ("materialization Materialize all…").
        page.get_by_role("button", name=re.compile(r"Materialize all")).click()
        dialog = page.get_by_role("dialog")
        expect(dialog.get_by_text("Launch runs to materialize 6 assets")).to_be_visible()
        # Only the last 90 days are offered at first and the demo days are older: widen the window to all time
        # once the dialog has loaded its partitions (its date-window button shows then).
        date_window = dialog.get_by_role("button", name=re.compile(r"Last \d+ days|All time"))
        expect(date_window).to_be_visible()
        if "All time" not in date_window.inner_text():
            dialog.get_by_text("Show all partitions").click()
            expect(date_window).to_contain_text("All time")
        partitions = dialog.get_by_role("textbox")
        partitions.fill(UI_DAY)
        partitions.press("Enter")
        expect(dialog.get_by_text("1 partition", exact=True)).to_be_visible()
        save_screenshot(page, "materialize_dialog.png")
        dialog.get_by_role("button", name="Launch 1 run").click()
        expect(dialog).to_be_hidden()

        run_id = wait_for_ui_run(dagster_ui, UI_DAY)
        page.goto(f"/runs/{run_id}")
        expect(page.get_by_text(f"partition: {UI_DAY}")).to_be_visible()
        status = wait_for_run_to_finish(dagster_ui, run_id)
        page.reload()
        if status != "SUCCESS":
            save_screenshot(page, "run.png")
            pytest.fail(f"run {run_id} for {UI_DAY} ended {status}; see test-artifacts/ui/run.png and dagster_dev.log")
        # The run page's status tag, as a user sees it.
        expect(page.get_by_text("Success", exact=True).first).to_be_visible()
        expect(page.get_by_text("RUN_SUCCESS", exact=True)).to_be_visible()  # and its event log has loaded
        save_screenshot(page, "run.png")

    run = dagster_ui.graphql(RUN_SELECTION, {"runId": run_id})["runOrError"]
    assert run["jobName"] == "review_pipeline"
    assert sorted(key["path"][0] for key in run["assetSelection"]) == sorted(ASSETS)
    checks = {(check["assetKey"]["path"][0], check["name"]) for check in run["assetCheckSelection"]}
    assert ("anonymised_reviews", "no_pii_past_raw") in checks
    assert not [check for check in checks if "freshness" in check[1]], checks

    [day] = [entry for entry in status_report(platform.resources) if entry["partition"] == UI_DAY]
    assert day["problems"] == [], day
    assert day["source"] == day["raw"] == REVIEWS_PER_DAY
    assert day["anonymised"] + day["rejected"] == REVIEWS_PER_DAY
    assert day["categorised"] == day["warehouse"] == day["mongo"] == day["anonymised"]


def test_asset_page_shows_metadata_and_checks(page: Page):
    with evidence_on_failure(page, "asset_page"):
        page.goto("/assets/anonymised_reviews")
        # Checks are evaluated per day, so the status card shows the materialization; the checks' per-day results
        # are on the Checks tab (below).
        expect(page.get_by_text("Latest materialization").first).to_be_visible()
        # Fold the column schema so that the metadata table is on screen.
        page.get_by_text("Columns", exact=True).click()
        expect(page.get_by_text("Column name", exact=True)).to_be_hidden()
        expect(page.get_by_text("Metadata", exact=True)).to_be_visible()
        for label in ("rows_in", "rows_out", "rows_rejected", "reject_rate", "pii_redactions"):
            expect(page.get_by_text(label, exact=True).first).to_be_visible()
        save_screenshot(page, "asset_page.png", docs=True)

        page.get_by_role("tab", name="Checks").click()
        expect(page.get_by_text(re.compile(r"^Checks \(6\)$"))).to_be_visible()
        checks = ("no_pii_past_raw", "suspected_rows_withheld", "accepted_rows_valid", "reject_rate")
        for check in (*checks, "processed_matches_manifest"):
            expect(page.get_by_text(check, exact=True).first).to_be_visible()
        save_screenshot(page, "asset_checks.png")


RUNS_OF_PARTITION = """
query ($partition: String!) {
  runsOrError(
    filter: {tags: [{key: "dagster/partition", value: $partition}, {key: "dagster/from_ui", value: "true"}]}
  ) {
    ... on Runs { results { runId status } }
  }
}
"""
RUN_STATUS = "query ($runId: ID!) { runOrError(runId: $runId) { ... on Run { status } } }"
RUN_SELECTION = """
query ($runId: ID!) {
  runOrError(runId: $runId) {
    ... on Run { jobName assetSelection { path } assetCheckSelection { name assetKey { path } } }
  }
}
"""
FINISHED = {"SUCCESS", "FAILURE", "CANCELED"}


def wait_for_ui_run(server: DagsterDev, partition: str, timeout_s: float = 60) -> str:
    """The id of the run the UI just launched for `partition` (it is queued, then started by the daemon)."""
    deadline = time.monotonic() + timeout_s
    while True:
        runs = server.graphql(RUNS_OF_PARTITION, {"partition": partition})["runsOrError"]["results"]
        if runs:
            assert len(runs) == 1, runs
            return runs[0]["runId"]
        if time.monotonic() > deadline:
            raise TimeoutError(f"no run for {partition} appeared {timeout_s:.0f}s after launching it")
        time.sleep(1)


def wait_for_run_to_finish(server: DagsterDev, run_id: str, timeout_s: float = RUN_TIMEOUT_S) -> str:
    deadline = time.monotonic() + timeout_s
    while True:
        status = server.graphql(RUN_STATUS, {"runId": run_id})["runOrError"]["status"]
        if status in FINISHED:
            return status
        if time.monotonic() > deadline:
            raise TimeoutError(f"run {run_id} still {status} after {timeout_s:.0f}s:\n{server.log_tail()}")
        time.sleep(2)
