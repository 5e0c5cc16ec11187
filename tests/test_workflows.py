"""The GitHub workflows: this repository's and those ``statusgen init`` writes.

They are checked by the tools operators and reviewers use (check-jsonschema's schema for
workflows, zizmor's security audits) and read for the promises docs/publishing.md makes: a failed
check never deploys, runs never race, a missing second-host secret skips with a notice, and an
overdue promise fails the run after the deploy.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn

import pytest
import yaml

from generator.scaffold import create_site

REPO = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)


def missing(reason: str) -> NoReturn:
    """Skip for a missing tool; fail under CI (``CI=true``), where every tool must be there."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: every tool must be installed)")
    pytest.skip(reason)


def tool(name: str) -> str:
    """A command installed with the test extras, found beside this Python first."""
    beside = Path(sys.executable).with_name(name)
    found = str(beside) if beside.is_file() else shutil.which(name)
    if found is None:
        missing(f"{name} not found: pip install '.[test]'")
    return found


@pytest.fixture(scope="module")
def scaffolded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site as ``statusgen init`` creates it."""
    target = tmp_path_factory.mktemp("init") / "acme-status"
    create_site(target, NOW)
    return target


def workflow_files(root: Path) -> list[Path]:
    names = ["check.yml", "publish.yml"] + (["release.yml"] if root == REPO else [])
    return [root / ".github" / "workflows" / name for name in names]


@pytest.fixture(scope="module")
def all_workflows(scaffolded: Path) -> list[Path]:
    return workflow_files(REPO) + workflow_files(scaffolded)


def load(path: Path) -> dict[Any, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    # YAML 1.1 reads the key `on` as True.
    data["on"] = data.pop(True, data.get("on"))
    return data


def zizmor_findings(paths: list[Path]) -> list[dict[str, Any]]:
    result = subprocess.run(
        [tool("zizmor"), "--offline", "--format", "json", *map(str, paths)],
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        findings = json.loads(result.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"zizmor gave no JSON (exit {result.returncode}):\n{result.stderr}")
    assert isinstance(findings, list)
    return findings


# -- the checkers -------------------------------------------------------------------------------


def test_workflows_match_githubs_schema(all_workflows: list[Path]) -> None:
    result = subprocess.run(
        [
            tool("check-jsonschema"),
            "--builtin-schema",
            "vendor.github-workflows",
            *map(str, all_workflows),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_schema_check_rejects_a_broken_workflow(tmp_path: Path) -> None:
    """The check above can fail: a job without runs-on is refused."""
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  build:\n    steps:\n      - run: true\n")
    result = subprocess.run(
        [tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(broken)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0


def test_zizmor_finds_nothing_but_unpinned_actions(all_workflows: list[Path]) -> None:
    """Unpinned `uses:` are allowed: docs/publishing.md tells operators how to pin them."""
    findings = zizmor_findings(all_workflows)
    others = [(f["ident"], f["desc"]) for f in findings if f["ident"] != "unpinned-uses"]
    assert others == []


def test_zizmor_flags_credentials_left_in_the_checkout(tmp_path: Path) -> None:
    """The audit above can fail: a checkout that keeps its token is reported."""
    folder = tmp_path / ".github" / "workflows"
    folder.mkdir(parents=True)
    leaky = folder / "leaky.yml"
    leaky.write_text(
        "on: push\npermissions: {}\njobs:\n  build:\n    runs-on: ubuntu-latest\n"
        "    permissions:\n      contents: read\n    steps:\n"
        "      - uses: actions/checkout@v4\n      - uses: actions/upload-artifact@v4\n"
        "        with:\n          path: .\n"
    )
    assert "artipacked" in {f["ident"] for f in zizmor_findings([leaky])}


# -- least privilege ----------------------------------------------------------------------------


def test_every_job_asks_for_its_own_permissions(all_workflows: list[Path]) -> None:
    for path in all_workflows:
        workflow = load(path)
        assert workflow["permissions"] == {}, path
        for name, job in workflow["jobs"].items():
            assert "permissions" in job, f"{path}: job {name} has no permissions:"
            granted = job["permissions"]
            assert all(
                v in ("read", "none") for k, v in granted.items() if k not in ("pages", "id-token")
            ), f"{path}: {name} writes {granted}"


def test_no_checkout_keeps_credentials(all_workflows: list[Path]) -> None:
    for path in all_workflows:
        for name, job in load(path)["jobs"].items():
            for step in job.get("steps", []):
                if str(step.get("uses", "")).startswith("actions/checkout@"):
                    assert step["with"]["persist-credentials"] is False, f"{path}: {name}"


def test_only_the_deploys_may_write(all_workflows: list[Path]) -> None:
    """The GitHub Pages deploy, and the PyPI publish of a release (its OIDC token only)."""
    allowed = {
        "deploy-github-pages": {"pages": "write", "id-token": "write"},
        "publish": {"id-token": "write"},
    }
    for path in all_workflows:
        for name, job in load(path)["jobs"].items():
            if "write" in job["permissions"].values():
                assert name in allowed, f"{path}: {name}"
                assert job["permissions"] == allowed[name]
                assert name != "publish" or path.name == "release.yml"


# -- the publish workflow -----------------------------------------------------------------------


@pytest.fixture(params=["repository", "init"])
def publish(request: pytest.FixtureRequest, scaffolded: Path) -> dict[Any, Any]:
    root = REPO if request.param == "repository" else scaffolded
    return load(root / ".github" / "workflows" / "publish.yml")


def run_texts(job: dict[str, Any]) -> list[str]:
    return [str(step.get("run", "")) for step in job.get("steps", [])]


def uses(job: dict[str, Any]) -> list[str]:
    return [str(step["uses"]).split("@")[0] for step in job.get("steps", []) if "uses" in step]


def test_publish_runs_on_push_to_main_every_ten_minutes_and_by_hand(
    publish: dict[Any, Any],
) -> None:
    triggers = publish["on"]
    assert triggers["push"]["branches"] == ["main"]
    assert triggers["schedule"] == [{"cron": "*/10 * * * *"}]
    assert "workflow_dispatch" in triggers


def test_publish_runs_never_race_and_deploys_are_never_cancelled(publish: dict[Any, Any]) -> None:
    assert publish["concurrency"]["cancel-in-progress"] is False
    assert "${{" not in str(publish["concurrency"]["group"])  # one group for every run


def test_a_failed_check_never_deploys(publish: dict[Any, Any]) -> None:
    """The build job checks before it builds; both deploys need it, and use its artifact."""
    jobs = publish["jobs"]
    build = run_texts(jobs["build"])
    check_at = next(i for i, text in enumerate(build) if text.startswith("statusgen check"))
    build_at = next(i for i, text in enumerate(build) if text.startswith("statusgen build"))
    assert check_at < build_at
    assert "actions/upload-artifact" in uses(jobs["build"])
    for name in ("deploy-github-pages", "deploy-cloudflare-pages"):
        needs = jobs[name]["needs"]
        assert "build" in ([needs] if isinstance(needs, str) else needs)
        assert "actions/download-artifact" in uses(jobs[name])
        assert "actions/checkout" not in uses(jobs[name])  # the same build, not a new one
        assert not any("statusgen build" in text for text in run_texts(jobs[name]))


def test_github_pages_uses_githubs_official_actions(publish: dict[Any, Any]) -> None:
    job = publish["jobs"]["deploy-github-pages"]
    assert uses(job)[-3:] == [
        "actions/configure-pages",
        "actions/upload-pages-artifact",
        "actions/deploy-pages",
    ]
    assert job["environment"]["name"] == "github-pages"


def test_cloudflare_pages_deploys_with_wrangler_only_when_configured(
    publish: dict[Any, Any],
) -> None:
    job = publish["jobs"]["deploy-cloudflare-pages"]
    assert "cloudflare-configured" in job["needs"]
    assert job["if"] == "needs.cloudflare-configured.outputs.enabled == 'true'"
    assert any(
        "npx --yes wrangler@" in text and "pages deploy _site" in text for text in run_texts(job)
    )


@pytest.mark.parametrize(
    ("token", "account", "enabled"),
    [
        ("true", "true", "true"),
        ("false", "true", "false"),
        ("true", "false", "false"),
    ],
)
def test_a_missing_cloudflare_secret_skips_with_a_notice(
    publish: dict[Any, Any], tmp_path: Path, token: str, account: str, enabled: str
) -> None:
    """Run the probe step's own script as the runner would."""
    if shutil.which("bash") is None:
        missing("bash not found")
    probe = publish["jobs"]["cloudflare-configured"]["steps"][0]
    output = tmp_path / "output"
    result = subprocess.run(
        ["bash", "-e", "-c", probe["run"]],
        capture_output=True,
        text=True,
        check=True,
        env={
            **os.environ,
            "HAS_TOKEN": token,
            "HAS_ACCOUNT": account,
            "GITHUB_OUTPUT": str(output),
        },
    )
    assert output.read_text() == f"enabled={enabled}\n"
    assert ("::notice " in result.stdout) == (enabled == "false")
    assert probe["env"]["HAS_TOKEN"] == "${{ secrets.CLOUDFLARE_API_TOKEN != '' }}"


def test_an_overdue_promise_fails_the_run_after_the_deploys(publish: dict[Any, Any]) -> None:
    jobs = publish["jobs"]
    promises = jobs["promises"]
    assert {"deploy-github-pages", "deploy-cloudflare-pages"} <= set(promises["needs"])
    # It runs whether or not the second host was skipped, and never blocks a deploy.
    assert "!cancelled()" in promises["if"]
    assert "statusgen check --strict" in run_texts(promises)
    assert not any("--strict" in text for text in run_texts(jobs["build"]))
    assert not any("promises" in str(job.get("needs", "")) for job in jobs.values())


# -- the pull-request check ---------------------------------------------------------------------


@pytest.mark.parametrize("root", ["repository", "init"])
def test_pull_requests_are_checked_strictly_and_built(root: str, scaffolded: Path) -> None:
    folder = REPO if root == "repository" else scaffolded
    workflow = load(folder / ".github" / "workflows" / "check.yml")
    assert "pull_request" in workflow["on"]
    runs = run_texts(workflow["jobs"]["check"])
    assert "statusgen check --strict" in runs
    assert any(text.startswith("statusgen build") for text in runs)
    if root == "repository":
        assert "python -m pytest -q" in runs
