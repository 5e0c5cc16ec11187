"""Notifications in the publish workflows and in ``statusgen init`` (docs/notifications.md):
the published event list is kept before the deploys, ``notify`` runs after them with the
channels' secrets from a GitHub environment, and a new site carries a commented example."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest

from generator.build import check
from generator.cli import main
from generator.scaffold import create_site
from tests.test_workflows import NOW, REPO, load


@pytest.fixture(params=["repository", "init"])
def publish(request: pytest.FixtureRequest, tmp_path: Path) -> dict[Any, Any]:
    root = REPO
    if request.param == "init":
        root = tmp_path / "acme-status"
        create_site(root, NOW)
    return load(root / ".github" / "workflows" / "publish.yml")


def runs(job: dict[str, Any]) -> list[str]:
    return [str(step.get("run", "")) for step in job.get("steps", [])]


def test_the_published_event_list_is_kept_before_the_deploys(publish: dict[Any, Any]) -> None:
    build = publish["jobs"]["build"]
    steps = build["steps"]
    built = next(
        i for i, s in enumerate(steps) if str(s.get("run", "")).startswith("statusgen build")
    )
    saved = next(i for i, s in enumerate(steps) if "--save-previous _previous" in str(s.get("run")))
    kept = next(
        i
        for i, s in enumerate(steps)
        if str(s.get("uses", "")).startswith("actions/upload-artifact@")
        and s["with"]["name"] == "previous"
    )
    assert built < saved < kept
    assert steps[kept]["with"]["path"] == "_previous"
    # The deploys need the build job, so the fetch always happens before they replace the site.
    for name in ("deploy-github-pages", "deploy-cloudflare-pages"):
        needs = publish["jobs"][name]["needs"]
        assert "build" in ([needs] if isinstance(needs, str) else needs)


def test_notify_runs_after_the_deploys_with_secrets_from_an_environment(
    publish: dict[Any, Any],
) -> None:
    job = publish["jobs"]["notify"]
    assert {"build", "deploy-github-pages", "deploy-cloudflare-pages"} <= set(job["needs"])
    # Only once the primary host serves the new build; whether or not the second was skipped.
    assert "needs.deploy-github-pages.result == 'success'" in job["if"]
    assert "!cancelled()" in job["if"]
    assert job["environment"] == "notifications"
    assert job["permissions"] == {"contents": "read"}
    downloads = [
        s["with"]["name"] for s in job["steps"] if "download-artifact" in str(s.get("uses"))
    ]
    assert downloads == ["site", "previous"]
    step = next(s for s in job["steps"] if "statusgen notify" in str(s.get("run", "")))
    assert shlex.split(step["run"]) == [
        "statusgen", "notify", "--site", "_site", "--previous", "_previous",
    ]  # fmt: skip
    for name, value in step["env"].items():
        assert value == "${{ secrets." + name + " }}"  # each variable is its own secret


def test_secrets_are_read_only_where_they_are_used(publish: dict[Any, Any]) -> None:
    for name, job in publish["jobs"].items():
        text = str(job)
        found = set(re.findall(r"secrets\.([A-Z_]+)", text))
        if name == "notify":
            assert "STATUS_SLACK_URL" in found and "SMTP_PASSWORD" in found
        elif name in ("cloudflare-configured", "deploy-cloudflare-pages"):
            assert found <= {"CLOUDFLARE_API_TOKEN", "CLOUDFLARE_ACCOUNT_ID"}
        else:
            assert found == set(), name


def test_init_writes_a_commented_notify_example_that_works_uncommented(tmp_path: Path) -> None:
    target = tmp_path / "acme-status"
    create_site(target, NOW)
    text = (target / "site.yaml").read_text(encoding="utf-8")
    assert "\n# notify:\n" in text and "\n# subscribe: " in text
    assert check(target, NOW).content.site.notify == ()
    # Uncomment the example (the lines from "# notify:" and "# subscribe:" on).
    lines = text.splitlines()
    start = lines.index("# notify:")
    end = next(i for i in range(start + 1, len(lines)) if not lines[i].startswith("#   "))
    block = [line[2:] for line in lines[start:end]]
    subscribe = next(line[2:] for line in lines if line.startswith("# subscribe: "))
    (target / "site.yaml").write_text(
        "\n".join([*lines[:start], *block, subscribe, *lines[end:]]) + "\n", encoding="utf-8"
    )
    site = check(target, NOW).content.site
    assert [c.type for c in site.notify] == ["slack", "teams", "email", "slack"]
    assert [c.audience for c in site.notify][-1] == "team"
    assert site.subscribe.startswith("https://")


def test_a_site_without_channels_keeps_nothing_and_sends_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The workflow's steps as a new site runs them before any channel is set up."""
    target = tmp_path / "acme-status"
    create_site(target, NOW)
    site = tmp_path / "_site"
    previous = tmp_path / "_previous"
    assert main(["build", "--source", str(target), "--output", str(site)]) == 0
    assert main(["notify", "--source", str(target), "--save-previous", str(previous)]) == 0
    assert any(previous.iterdir())  # the artifact is never empty
    argv = ["notify", "--source", str(target), "--site", str(site), "--previous", str(previous)]
    assert main(argv) == 0
    assert "no notify: channels" in capsys.readouterr().out
