"""The knowledge service's ASGI app: `uvicorn knowledge.main:app`."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from knowledge.api.routes import articles, health, help_centre, reindex, search, votes
from knowledge.base import KnowledgeBase
from knowledge.help.votes import VoteStore
from knowledge.index.decision import RetrievalConfig
from knowledge.index.dense import Encoder
from knowledge.negatives import load_domain_only, load_off_domain, load_shop_negatives
from knowledge.settings import get_settings


@contextlib.asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings = get_settings()
    if settings.model_path is None:
        logging.getLogger(__name__).warning(
            "KNOWLEDGE_MODEL is not set: searching with the base model, not the one adapted to the help centre "
            "that retrieval.json was chosen for (./baton sets it; `python -m knowledge.adaptation` builds it)")
    encoder = await run_in_threadpool(
        Encoder, settings.model_path, settings.torch_threads, settings.encoder_backend
    )
    app.state.knowledge_base = await run_in_threadpool(
        KnowledgeBase, settings.articles_dir, settings.cache_dir, encoder,
        RetrievalConfig.load(settings.retrieval_config), load_shop_negatives(settings.negatives_dir),
        load_off_domain(settings.negatives_dir), load_domain_only(settings.negatives_dir), settings.examples_cache_dir,
    )
    app.state.votes = VoteStore(settings.votes_path, settings.votes_keep_days)
    try:
        yield
    finally:
        app.state.votes.close()


app = FastAPI(
    title="Baton knowledge service",
    description="Hybrid search (BM25 + all-MiniLM-L6-v2) over the shop's help centre.",
    lifespan=lifespan,
)
for module in (health, search, articles, reindex, help_centre, votes):
    app.include_router(module.router)
HELP_STATIC = Path(__file__).resolve().parent / "help" / "static"
app.mount("/help-static", StaticFiles(directory=HELP_STATIC), name="help-static")
