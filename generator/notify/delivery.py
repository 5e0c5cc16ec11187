"""Delivering messages: HTTP POSTs to webhooks, and email over SMTP, with bounded retries.

Timeouts, 429 and 5xx answers (for SMTP: lost connections and 4xx replies) are retried, up to
:data:`MAX_ATTEMPTS` attempts per message, waiting as ``Retry-After`` says (capped at
:data:`MAX_WAIT`) or with a doubling backoff. Any other answer fails the message at once.
Once a message to a channel has failed, the channel's later messages are not tried, so that
what it does get stays in time order; they are reported as missed.

Nothing here prints. Errors carry reasons that never hold the secret URL, host or password:
every reason passes through :func:`scrub` with the channel's secrets before it leaves.
"""

from __future__ import annotations

import http.client
import json
import smtplib
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from typing import Any

from generator import __version__
from generator.model import SmtpSettings

MIN_ATTEMPTS = 3  # SPEC: at least 3 and at most 6 attempts per message
MAX_ATTEMPTS = 5
MAX_WAIT = 60.0  # seconds: the most a Retry-After is obeyed
BACKOFF = 1.0  # seconds before the second attempt; doubling after that
HTTP_TIMEOUT = 15.0
USER_AGENT = f"statusgen/{__version__} (+notify)"

Sleep = Callable[[float], None]


class DeliveryError(Exception):
    """A message was not delivered. ``retry`` says whether trying again may help."""

    def __init__(self, reason: str, retry: bool, wait: float | None = None):
        super().__init__(reason)
        self.reason = reason
        self.retry = retry
        self.wait = wait


def scrub(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret (and the parts of a secret URL) replaced by ``***``."""
    pieces: set[str] = set()
    for secret in secrets:
        if not secret:
            continue
        pieces.add(secret)
        if "://" in secret:
            rest = secret.split("://", 1)[1]
            path = rest.split("/", 1)[1] if "/" in rest else ""
            pieces.update(p for p in (rest, path, "/" + path) if len(p) > 1)
    for piece in sorted(pieces, key=len, reverse=True):
        if len(piece) >= 3:
            text = text.replace(piece, "***")
    return text


def retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds, or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - (now or datetime.now(UTC))).total_seconds(), 0.0)


# -- transports ------------------------------------------------------------------------------


@dataclass
class HttpTransport:
    """POSTs JSON to one secret URL."""

    url: str

    def send(self, event_id: str, payload: dict[str, Any]) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": USER_AGENT,
            # The same for every attempt and every run: a receiver may drop repeats by it.
            "X-Statusgen-Event": event_id,
        }
        request = urllib.request.Request(self.url, data=data, method="POST", headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT) as response:  # noqa: S310
                response.read()
        except urllib.error.HTTPError as exc:
            status = int(exc.code)
            wait = retry_after(exc.headers.get("Retry-After")) if exc.headers else None
            if wait is None and status == 429:
                wait = _json_retry_after(exc)
            phrase = f"HTTP {status} {exc.reason}".strip()
            raise DeliveryError(
                f"the receiver answered {phrase}", retry=status == 429 or status >= 500, wait=wait
            ) from None
        except (TimeoutError, urllib.error.URLError, OSError, http.client.HTTPException) as exc:
            cause = getattr(exc, "reason", None) or exc
            if isinstance(cause, TimeoutError) or "timed out" in str(cause):
                raise DeliveryError("no answer in time (timeout)", retry=True) from None
            raise DeliveryError(f"cannot connect ({cause})", retry=True) from None


def _json_retry_after(error: urllib.error.HTTPError) -> float | None:
    """Discord says how long to wait in its JSON body as well (``retry_after``, seconds)."""
    try:
        body = json.loads(error.read() or b"{}")
        return max(float(body.get("retry_after")), 0.0)
    except (ValueError, TypeError, AttributeError, OSError):
        return None


@dataclass
class SmtpTransport:
    """Sends email through one relay: STARTTLS, TLS from the start, or neither; AUTH when
    a user name and password are given."""

    settings: SmtpSettings
    host: str
    username: str | None = None
    password: str | None = None
    context: ssl.SSLContext | None = None

    def _tls(self) -> ssl.SSLContext:
        # The system's trusted certificates, with host name checks (SSL_CERT_FILE adds a CA).
        return self.context or ssl.create_default_context()

    def send(self, event_id: str, message: EmailMessage) -> None:  # noqa: ARG002 - the channels' one signature
        settings = self.settings
        try:
            client: smtplib.SMTP
            if settings.security == "tls":
                client = smtplib.SMTP_SSL(
                    self.host, settings.port, timeout=settings.timeout, context=self._tls()
                )
            else:
                client = smtplib.SMTP(self.host, settings.port, timeout=settings.timeout)
            with client:
                client.ehlo()
                if settings.security == "starttls":
                    if not client.has_extn("starttls"):
                        raise DeliveryError(
                            "the relay does not offer STARTTLS (set smtp.security to tls or none)",
                            retry=False,
                        )
                    client.starttls(context=self._tls())
                    client.ehlo()
                if self.username is not None and self.password is not None:
                    if not client.has_extn("auth"):
                        raise DeliveryError(
                            "the relay offers no AUTH on this connection (check smtp.security, "
                            "or leave out username_env and password_env)",
                            retry=False,
                        )
                    client.login(self.username, self.password)
                refused = client.send_message(message)
                if refused:
                    raise DeliveryError(
                        f"the relay refused {len(refused)} recipient(s)", retry=False
                    )
        except DeliveryError:
            raise
        except smtplib.SMTPNotSupportedError as exc:
            raise DeliveryError(f"the relay does not support this ({exc})", retry=False) from None
        except smtplib.SMTPAuthenticationError as exc:
            raise DeliveryError(
                f"the relay refused the user name and password ({exc.smtp_code})", retry=False
            ) from None
        except smtplib.SMTPRecipientsRefused:
            raise DeliveryError("the relay refused every recipient", retry=False) from None
        except smtplib.SMTPResponseException as exc:
            raw = exc.smtp_error
            text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw or "")
            raise DeliveryError(
                f"the relay answered {exc.smtp_code} {text}".strip(),
                retry=400 <= exc.smtp_code < 500,
            ) from None
        except ssl.SSLCertVerificationError as exc:
            raise DeliveryError(
                f"the relay's TLS certificate is not trusted ({exc.verify_message})", retry=False
            ) from None
        except (smtplib.SMTPException, ssl.SSLError, OSError) as exc:
            if isinstance(exc, TimeoutError):
                raise DeliveryError("no answer in time (timeout)", retry=True) from None
            raise DeliveryError(f"cannot talk to the relay ({exc})", retry=True) from None


# -- one channel's messages, with retries ------------------------------------------------------


@dataclass
class Attempted:
    """What happened to one channel's messages."""

    label: str
    sent: list[str] = field(default_factory=list)  # event ids, in the order sent
    missed: list[str] = field(default_factory=list)
    reason: str = ""  # why the first missed message failed (scrubbed)
    attempts: int = 0  # requests made, retries included

    @property
    def ok(self) -> bool:
        return not self.missed


def deliver(
    label: str,
    send: Callable[[str, Any], None],
    messages: Sequence[tuple[str, Any]],
    secrets: Iterable[str],
    sleep: Sleep = time.sleep,
    backoff: float = BACKOFF,
) -> Attempted:
    """Send ``messages`` (event id, payload) in order through ``send``, retrying each."""
    secrets = list(secrets)
    result = Attempted(label)
    for index, (event_id, payload) in enumerate(messages):
        error = _send_with_retries(send, event_id, payload, result, sleep, backoff)
        if error is None:
            result.sent.append(event_id)
            continue
        result.reason = scrub(error.reason, secrets)
        result.missed = [event for event, _ in messages[index:]]
        break
    return result


def _send_with_retries(
    send: Callable[[str, Any], None],
    event_id: str,
    payload: Any,
    result: Attempted,
    sleep: Sleep,
    backoff: float,
) -> DeliveryError | None:
    error: DeliveryError | None = None
    for attempt in range(1, MAX_ATTEMPTS + 1):
        result.attempts += 1
        try:
            send(event_id, payload)
            return None
        except DeliveryError as exc:
            error = exc
        except Exception as exc:  # noqa: BLE001 - a failed delivery is named, never a traceback
            error = DeliveryError(f"unexpected failure ({type(exc).__name__})", retry=True)
        if not error.retry or attempt == MAX_ATTEMPTS:
            break
        wait = error.wait if error.wait is not None else backoff * 2 ** (attempt - 1)
        sleep(min(wait, MAX_WAIT))
    if error is not None and error.retry:
        error.reason += f" ({MAX_ATTEMPTS} attempts)"
    return error
