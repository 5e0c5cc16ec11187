"""Email channels against aiosmtpd on 127.0.0.1: STARTTLS with a throwaway certificate and
AUTH, implicit TLS, and no encryption; text and HTML parts; one thread per incident."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.notify import run
from tests import notify_harness
from tests.notify_harness import Harness, site_yaml
from tests.receivers import make_certificates, smtp_receiver
from tests.test_notify import OPENED, UPDATED

PASSWORD = "smtp-pass-Secret-9f3k"

harness = notify_harness.harness  # the fixture: a site with channels and receivers


def email_channel(port: int, security: str, auth: bool = True, components: str = "") -> str:
    credentials = ", username_env: N_SMTP_USER, password_env: N_SMTP_PASSWORD" if auth else ""
    return (
        "notify:\n  - type: email\n    to: [subscribers@lists.test.example, ops@test.example]\n"
        "    from: Test Co Status <status@test.example>\n"
        f"    smtp: {{host_env: N_SMTP_HOST, port: {port}, security: {security}{credentials}}}\n"
        + (f"    components: [{components}]\n" if components else "")
    )


def use_relay(harness: Harness, port: int, security: str, auth: bool = True) -> None:
    harness.configure(site_yaml(email_channel(port, security, auth)))
    harness.monkeypatch.setenv("N_SMTP_HOST", "127.0.0.1")
    harness.monkeypatch.setenv("N_SMTP_USER", "status-sender")
    harness.monkeypatch.setenv("N_SMTP_PASSWORD", PASSWORD)
    harness.secrets.update(N_SMTP_PASSWORD=PASSWORD)


@pytest.mark.parametrize("security", ["starttls", "tls", "none"])
def test_email_reaches_the_list_over_each_kind_of_connection(
    harness: Harness, tmp_path: Path, security: str
) -> None:
    certificates = make_certificates(tmp_path)
    harness.monkeypatch.setenv("SSL_CERT_FILE", str(certificates.ca_file))  # trust the test CA
    credentials = ("status-sender", PASSWORD)
    with smtp_receiver(security, certificates, credentials) as box:
        use_relay(harness, box.port, security)
        harness.write("api-errors", OPENED)
        first = harness.build("2026-11-20 14:00 UTC")
        second = harness.build("2026-11-20 14:10 UTC")
        harness.write("api-errors", UPDATED)
        third = harness.build("2026-11-20 14:50 UTC")
        assert harness.notify(second, first).code == 0
        result = harness.notify(third, second)
        assert result.code == 0, result.err
    assert "sent 1 message to email to subscribers@lists.test.example" in result.out
    assert box.logins == [credentials, credentials]
    assert box.tls_sessions == [security != "none"] * 2
    assert box.envelopes[0] == (
        "status@test.example",
        ["subscribers@lists.test.example", "ops@test.example"],
    )
    opened, identified = box.messages
    assert (
        opened["Subject"]
        == identified["Subject"]
        == ("[Test Co Status] Elevated error rates on the API")
    )
    # One thread: the first update is the root; later ones answer it.
    root = "<api-errors@status.test.example>"
    assert opened["Message-ID"] == root and opened["In-Reply-To"] is None
    assert identified["In-Reply-To"] == root and identified["References"] == root
    assert identified["Message-ID"] != root
    text = identified.get_body(preferencelist=("plain",)).get_content()
    html = identified.get_body(preferencelist=("html",)).get_content()
    assert "Identified" in text and "- Public API: Partial outage" in text
    assert "A configuration change caused the errors" in text
    assert "Next update by Nov 20, 2026, 4:30\u202fPM CET" in text
    assert "https://status.test.example/incidents/api-errors/" in text
    assert "<strong>Identified</strong>" in html
    assert "<li>Public API: Partial outage</li>" in html


def test_email_threads_use_the_sites_path(harness: Harness) -> None:
    with smtp_receiver("none") as box:
        harness.configure(
            site_yaml(email_channel(box.port, "none", auth=False)).replace(
                "https://status.test.example/", "https://acme.github.io/status/"
            )
        )
        harness.monkeypatch.setenv("N_SMTP_HOST", "127.0.0.1")
        harness.write("api-errors", UPDATED)
        before = harness.build("2026-11-20 14:00 UTC")
        after = harness.build("2026-11-20 14:50 UTC")
        assert harness.notify(after, before).code == 0
    opened, identified = box.messages  # both updates were new: sent in time order
    assert opened["Message-ID"] == "<api-errors.status@acme.github.io>"
    assert identified["In-Reply-To"] == "<api-errors.status@acme.github.io>"


def test_a_transient_smtp_refusal_is_retried_and_delivered_once(harness: Harness) -> None:
    with smtp_receiver("none", refuse=2) as box:
        use_relay(harness, box.port, "none", auth=False)
        harness.write("api-errors", OPENED)
        before = harness.build("2026-11-20 14:00 UTC")
        after = harness.build("2026-11-20 14:10 UTC")
        waits: list[float] = []
        lines: list[str] = []
        code = run.notify(
            harness.source,
            after,
            [str(before)],
            out=lines.append,
            err=lines.append,
            sleep=waits.append,
        )
    assert code == 0, lines
    assert waits == [1.0, 2.0]
    assert len(box.messages) == 1


def test_a_wrong_password_fails_the_channel_without_printing_it(
    harness: Harness, tmp_path: Path
) -> None:
    certificates = make_certificates(tmp_path)
    harness.monkeypatch.setenv("SSL_CERT_FILE", str(certificates.ca_file))
    with smtp_receiver("starttls", certificates, ("status-sender", "another-one")) as box:
        use_relay(harness, box.port, "starttls")
        harness.write("api-errors", OPENED)
        before = harness.build("2026-11-20 14:00 UTC")
        after = harness.build("2026-11-20 14:10 UTC")
        result = harness.notify(after, before)  # asserts the password is never printed
    assert result.code == 1
    assert "refused the user name and password (535)" in result.err
    assert box.messages == []


def test_an_untrusted_certificate_is_refused(harness: Harness, tmp_path: Path) -> None:
    certificates = make_certificates(tmp_path)  # the test CA, not trusted this time
    with smtp_receiver("tls", certificates) as box:
        use_relay(harness, box.port, "tls", auth=False)
        harness.write("api-errors", OPENED)
        before = harness.build("2026-11-20 14:00 UTC")
        after = harness.build("2026-11-20 14:10 UTC")
        result = harness.notify(after, before)
    assert result.code == 1 and "certificate is not trusted" in result.err
    assert box.messages == []
