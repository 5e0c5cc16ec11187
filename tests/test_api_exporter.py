"""A real Statuspage client reads a statusgen site: the PyPI package
``statuspage-prometheus-exporter``, run as its users run it (``RUN_MODE=once`` writes a
Prometheus textfile), pointed at the built site served over HTTP on 127.0.0.1."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from generator.build import build
from generator.times import parse_now
from tests.conftest import MakeSite
from tests.servers import serve
from tests.tooling import missing

EXPORTER = "statuspage-prometheus-exporter"
Samples = dict[str, list[tuple[dict[str, str], float]]]


def exporter() -> str:
    """The exporter's command: installed beside this interpreter (the test extras put it in the
    same virtualenv, whose bin/ need not be on PATH), else on PATH."""
    beside = Path(sys.executable).parent / EXPORTER
    found = str(beside) if beside.is_file() else shutil.which(EXPORTER)
    if found is None:
        missing(
            f"{EXPORTER} is not installed beside {sys.executable} nor on PATH "
            "(pip install '.[test]' installs it)"
        )
    return found


def scrape(site: Path, workdir: Path) -> Samples:
    """Serve ``site``, run one exporter pass against it, and read the metrics it wrote."""
    program = exporter()
    workdir.mkdir(parents=True, exist_ok=True)
    with serve(site) as served:
        services = {"acme": {"name": "Acme", "url": served.url + "api/v2/summary.json"}}
        (workdir / "services.json").write_text(json.dumps(services), encoding="utf-8")
        env = {
            **os.environ,
            "RUN_MODE": "once",
            "SERVICES_JSON_PATH": "services.json",
            "METRICS_TEXTFILE_PATH": "metrics.prom",
            "CLEAR_CACHE": "true",
        }
        env.pop("SLACK_WEBHOOK_URL", None)
        done = subprocess.run(
            [program],
            cwd=workdir,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        assert "/api/v2/summary.json" in served.state.requests
    samples: Samples = {}
    text = (workdir / "metrics.prom").read_text(encoding="utf-8")
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples.setdefault(sample.name, []).append((sample.labels, sample.value))
    return samples


def labelled(samples: Samples, name: str, key: str) -> dict[str, float]:
    return {labels[key]: value for labels, value in samples[name]}


def test_exporter_reports_the_sample_site(sample_output: Path, tmp_path: Path) -> None:
    samples = scrape(sample_output, tmp_path / "run")
    assert samples["statuspage_probe_check"] == [({"service_name": "Acme"}, 1.0)]
    assert samples["statuspage_service_status"] == [({"service_name": "Acme"}, 0.0)]
    incidents = {
        labels["incident_id"]: labels
        for labels, value in samples["statuspage_incident_info"]
        if value == 1
    }
    assert set(incidents) == {"2026-11-20-api-errors", "2026-11-20-dashboard-slow"}
    api_errors = incidents["2026-11-20-api-errors"]
    assert api_errors["impact"] == "major"
    assert api_errors["incident_name"] == "Elevated error rates on the API"
    assert api_errors["affected_components"] == "Public API, Webhooks"
    assert api_errors["shortlink"] == (
        "https://status.acme.example/incidents/2026-11-20-api-errors/"
    )
    maintenance = {
        labels["maintenance_id"]: labels
        for labels, value in samples["statuspage_maintenance_info"]
        if value == 1
    }
    assert set(maintenance) == {"2026-11-20-blob-firmware", "2026-11-25-database-upgrade"}
    assert maintenance["2026-11-20-blob-firmware"]["affected_components"] == "Blob storage"
    components = labelled(samples, "statuspage_component_status", "component_name")
    assert components == {
        "Website": 1.0,
        "Platform": 0.0,
        "Public API": 0.0,
        "Authentication": 1.0,
        "Webhooks": 0.0,
        "Storage": 0.0,
        "Blob storage": 0.0,
        "Managed databases": 1.0,
    }


RESOLVED = """\
---
title: Slow sign-in
components: {api: degraded_performance}
---

## 2026-06-01 10:30 — Resolved
Back to normal.

## 2026-06-01 10:00 — Investigating
Sign-in is slow.
"""


def test_exporter_sees_an_all_clear_site(make_site: MakeSite, tmp_path: Path) -> None:
    output = tmp_path / "out"
    build(make_site({"slow-sign-in": RESOLVED}), output, parse_now("2026-06-02 00:00 UTC", None))
    samples = scrape(output, tmp_path / "run")
    assert samples["statuspage_service_status"] == [({"service_name": "Acme"}, 1.0)]
    assert [
        (labels["incident_id"], value) for labels, value in samples["statuspage_incident_info"]
    ] == [("none", 0.0)]
    assert [
        (labels["maintenance_id"], value)
        for labels, value in samples["statuspage_maintenance_info"]
    ] == [("none", 0.0)]
    assert set(labelled(samples, "statuspage_component_status", "component_name").values()) == {1.0}
