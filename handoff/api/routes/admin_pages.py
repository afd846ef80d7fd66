"""The routers of the admin pages (issue 24), included by main.py as one group; the agents'
accounts are in agents.py with the rest of the agents' routes."""

from __future__ import annotations

from fastapi import APIRouter

from handoff.api.routes import audit, canned_replies, teams

ADMIN_ROUTERS: tuple[APIRouter, ...] = (canned_replies.router, teams.router, audit.router)
