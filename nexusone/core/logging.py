"""A logging filter that redacts secrets (API keys, tokens) from every record."""

import logging
import re

_PATTERNS = [
    re.compile(
        r"(?i)(CJ-Access-Token|accessToken|refreshToken|apiKey|api_key|password|Authorization)"
        r"([\"']?\s*[:=]\s*[\"']?(?:Bearer\s+)?)([^\"'\s,}&]+)"
    ),
    re.compile(r"CJ\d+@api@[0-9a-fA-F]{8,}"),
]


def redact(text: str) -> str:
    text = _PATTERNS[0].sub(lambda m: f"{m.group(1)}{m.group(2)}[REDACTED]", text)
    return _PATTERNS[1].sub("[REDACTED]", text)


class RedactSecretsFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
