"""Bounces: delivery status notifications (RFC 3464) sent back to MAIL_RETURN_PATH.

`flask mail bounces PATH` reads a maildir or an mbox of them. A hard bounce (action
"failed", status 5.x.x) marks the address: no notification goes to it any more, and /account
says so until the address is confirmed again. A soft bounce (4.x.x) changes nothing.
"""

import mailbox
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rating.db import utcnow
from rating.models import User


@dataclass
class BounceCount:
    read: int = 0
    hard: int = 0
    soft: int = 0
    not_dsn: int = 0
    marked: set[str] = field(default_factory=set)


def open_mailbox(path: Path):
    """A maildir (a directory with cur/ and new/) or an mbox file."""
    if path.is_dir():
        return mailbox.Maildir(path, create=False)
    return mailbox.mbox(path, create=False)


def failures(message: Message) -> list[tuple[str, str]] | None:
    """The (address, status) of each failed recipient a DSN reports; None when the message is
    not a delivery status notification."""
    if message.get_content_type() != "multipart/report":
        return None
    found = []
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        # The first block is about the message; each following one about a recipient.
        for block in part.get_payload()[1:]:
            action = (block.get("Action") or "").strip().lower()
            status = (block.get("Status") or "").strip().split(" ")[0]
            recipient = block.get("Final-Recipient") or block.get("Original-Recipient") or ""
            address = recipient.split(";", 1)[-1].strip().strip("<>")
            if action == "failed" and address:
                found.append((address, status))
    return found


def read_bounces(session: Session, path: Path) -> BounceCount:
    """Mark the addresses that bounced hard; one commit for the whole mailbox."""
    count = BounceCount()
    now = utcnow()
    box = open_mailbox(path)
    try:
        messages = list(box)
    finally:
        box.close()
    for message in messages:
        count.read += 1
        found = failures(message)
        if found is None:
            count.not_dsn += 1
            continue
        for address, status in found:
            if not status.startswith("5."):
                count.soft += 1
                continue
            count.hard += 1
            user = session.scalar(select(User).where(func.lower(User.email) == address.lower()))
            if user is not None and user.mail_bounced_at is None:
                user.mail_bounced_at = now
                count.marked.add(address.lower())
    session.commit()
    return count
