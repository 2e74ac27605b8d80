"""Slack, for alerts: dagster-slack's resource plus the channel and, for tests, another API address."""

from __future__ import annotations

from dagster_slack import SlackResource
from slack_sdk import WebClient


class SlackAlertResource(SlackResource):
    """Posts alerts to `channel`. `api_url` is Slack's own unless set (a local stand-in in tests)."""

    channel: str
    api_url: str = ""

    def get_client(self) -> WebClient:
        if self.api_url:
            return WebClient(self.token, base_url=self.api_url)
        return WebClient(self.token)

    def post(self, text: str) -> None:
        self.get_client().chat_postMessage(channel=self.channel, text=text, unfurl_links=False)
