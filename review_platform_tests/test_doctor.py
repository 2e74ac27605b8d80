import datetime as dt
import json

import pytest

from review_platform.cli import main
from review_platform_tests.platform_fixture import make_platform
from review_platform_tests.slack_stand_in import SlackStandIn

DAY = dt.date(2026, 8, 3)


def doctor_json(capsys) -> tuple[int, dict[str, dict]]:
    code = main(["doctor", "--json"])
    return code, {finding["item"]: finding for finding in json.loads(capsys.readouterr().out)}


def test_doctor_on_a_healthy_platform_then_with_the_source_down(tmp_path, monkeypatch, capsys, slack_api):
    platform = make_platform(
        monkeypatch,
        tmp_path,
        REVIEW_PLATFORM_SLACK_CHANNEL="#alerts",
        REVIEW_PLATFORM_SLACK_TOKEN="xoxb-doctor-secret",
        REVIEW_PLATFORM_SLACK_API_URL=slack_api,
    )
    platform.export_to(monkeypatch)  # the doctor command reads its settings from the environment
    platform.seed(DAY, 50)
    assert platform.run([DAY.isoformat()])[0].success

    code, findings = doctor_json(capsys)
    assert code == 0
    verdicts = {item: finding["verdict"] for item, finding in findings.items()}
    assert verdicts == {
        "source database": "ok",
        "data lake": "ok",
        "warehouse": "ok",
        "mongo": "ok",
        "slack alerts": "ok",
        "dagster instance": "ok",
        "credentials": "warn",  # a generated demo key
        "nlp model": "ok",
        "disk space": "ok",
        "freshness": "warn",  # the seeded day is in the past
        "unhealthy days": "warn",  # the generated day fails reject_rate (WARN) on purpose
    }
    assert "validators skipped: the embedded engine" in findings["mongo"]["detail"]
    assert findings["unhealthy days"]["detail"].startswith(f"{DAY.isoformat()}: run ")
    assert findings["unhealthy days"]["detail"].endswith("WARN anonymised_reviews/reject_rate")
    assert [call["path"] for call in SlackStandIn.received] == ["/api/auth.test"]
    assert "xoxb-doctor-secret" not in json.dumps(findings)

    monkeypatch.setenv("REVIEW_PLATFORM_POSTGRES_URL", "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2")
    code, findings = doctor_json(capsys)
    assert code == 1
    source = findings["source database"]
    assert source["verdict"] == "fail"
    assert source["detail"].startswith("PostgreSQL source unreachable")
    assert "Traceback" not in source["detail"]
    assert findings["data lake"]["verdict"] == "ok", "one broken service does not hide the others"


@pytest.mark.parametrize("command", ["demo", "status"])
def test_demo_says_in_one_line_when_the_source_is_unreachable(tmp_path, monkeypatch, capsys, command):
    """`demo` and `status` alike: one line naming the system and what to do, exit code 2, nothing written."""
    monkeypatch.setenv("REVIEW_PLATFORM_HOME", str(tmp_path))
    monkeypatch.setenv("REVIEW_PLATFORM_POSTGRES_URL", "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2")
    assert main([command]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: PostgreSQL source unreachable") and err.count("\n") == 1
    assert "REVIEW_PLATFORM_POSTGRES_URL" in err and "Traceback" not in err
    lake_files = [path for path in (tmp_path / "lake").rglob("*") if path.is_file()]
    assert lake_files == [], "nothing was written past the failing layer"


def test_doctor_lists_each_unhealthy_day_and_a_rerun_heals_it(tmp_path, monkeypatch):
    from review_platform.ops.doctor import unhealthy_days

    platform = make_platform(monkeypatch, tmp_path)
    days = [DAY, DAY + dt.timedelta(days=1)]
    for day in days:
        platform.seed(day, 200)  # from 200 reviews a day, the generator plants every kind of bad row
    lenient = {"ops": {"anonymised_reviews": {"config": {"warn_above": 0.5, "error_above": 0.9}}}}
    platform.run([day.isoformat() for day in days], run_config=lenient)
    assert unhealthy_days(platform.instance) == []
    strict = {"ops": {"anonymised_reviews": {"config": {"warn_above": 0.0, "error_above": 0.0}}}}
    [failed] = platform.run([days[0].isoformat()], run_config=strict)  # any reject is now an ERROR
    assert not failed.success
    [day] = unhealthy_days(platform.instance)
    assert (day.partition, day.run_id, day.error) == (days[0].isoformat(), failed.run_id, True)
    assert "ERROR anonymised_reviews/reject_rate" in day.summary and "run failed (" in day.summary
    platform.run([days[0].isoformat()], run_config=lenient)
    assert unhealthy_days(platform.instance) == [], "the day's latest run passed"
