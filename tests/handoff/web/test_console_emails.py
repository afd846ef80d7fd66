"""The console's email reply in a real browser (Debian's Chromium, headless, Playwright) against one
running handoff replica and a real SMTP server on loopback: Maya answers a customer's "email me"
from her follow-ups; the mail server refuses the first try, her draft stays and the task with it;
the second try goes out and the task is done.
Screenshot: docs/screenshots/console-email-reply.png."""

from __future__ import annotations

import uuid
from email import message_from_bytes, policy
from pathlib import Path

from playwright.async_api import async_playwright, expect

from tests.conftest import SmtpServer
from tests.handoff.api.test_escalations_api import open_escalation
from tests.handoff.harness import Server, handoff_settings
from tests.handoff.web.test_console_follow_ups import ARGS, CHROMIUM, SHOTS, sign_in


async def test_an_email_me_task_answered_from_the_console(redis_url: str, tmp_path: Path,
                                                          smtp_server: SmtpServer) -> None:
    settings = handoff_settings(redis_url, f"sqlite:///{tmp_path / 'handoff.db'}", tmp_path,
                                HANDOFF_EMAIL_REPLY_URL="https://shop.example/help", **smtp_server.environment())
    async with Server(settings) as server:
        sender = uuid.uuid4().hex
        escalation = await open_escalation(server, sender)
        await server.services.escalations.record_follow_up(sender, "omar.h@example.com")
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
            page = await browser.new_page(viewport={"width": 1400, "height": 900})
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            await sign_in(page, server)
            tasks = page.locator("#tasks-list")
            await expect(tasks).to_contain_text("Email the customer at omar.h@example.com")
            await tasks.get_by_role("button", name="Write email").click()
            form = page.locator("#email-form")
            await expect(form).to_be_visible()
            await expect(page.locator("#email-to")).to_have_text("omar.h@example.com")
            words = "Your refund for the wool sweater was sent today; it shows within 5 days."
            await page.get_by_label("Email", exact=True).fill(words)
            await page.get_by_label("Subject").fill("Your refund")
            await page.screenshot(path=str(SHOTS / "console-email-reply.png"))
            smtp_server.refuse_next = True
            await page.get_by_role("button", name="Send email").click()
            await expect(page.locator("#flash")).to_contain_text("did not take the email", timeout=10_000)
            await expect(page.get_by_label("Email", exact=True)).to_have_value(words)  # the draft stays
            await expect(tasks).to_contain_text("Email the customer at omar.h@example.com")
            await page.get_by_role("button", name="Send email").click()
            await expect(page.locator("#flash")).to_contain_text("Email sent to omar.h@example.com", timeout=10_000)
            await expect(tasks).to_contain_text("None")
            await expect(page.get_by_label("Email", exact=True)).to_have_value("")
            await browser.close()
        assert errors == []
        [(_, rcpt, content)] = smtp_server.wait_for(1)
        mail = message_from_bytes(content, policy=policy.default)
        assert rcpt == ["omar.h@example.com"] and mail["Subject"] == "Your refund"
        assert words in mail.get_content().replace("\r\n", "\n")  # type: ignore[attr-defined]
        maya = await server.services.accounts.get("maya")
        stored = await server.services.tasks.of_escalation(maya, escalation.id)
        assert [t.state for t in stored] == ["done"]
