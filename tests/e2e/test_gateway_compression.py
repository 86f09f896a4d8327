"""The stand-in speaks whichever gateway compression discord.py asks for.

discord.py picks its compression once, when `discord.utils` is imported: zstd-stream
when `zstandard` (or Python 3.14's `compression.zstd`) can be imported, else
zlib-stream. Every other end-to-end test exercises the choice of this environment;
these tests run the bot with each choice, taking discord.py's own decompression
class from a fresh import of `discord/utils.py` with zstd hidden or present.
"""

from __future__ import annotations

import importlib.util
import sys

import discord.gateway
import discord.utils
import pytest

from .discord_standin import member
from .test_bot_e2e import assert_verbatim_and_cited, followup, slash


def discord_decompression(monkeypatch, with_zstd: bool) -> type:
    """discord.py's `_ActiveDecompressionContext` as an import with (or without) zstd support would choose it."""
    if with_zstd:
        pytest.importorskip("zstandard", reason="zstd-stream needs the zstandard package")
    name = "discord._utils_fresh_copy"
    spec = importlib.util.spec_from_file_location(name, discord.utils.__file__)
    module = importlib.util.module_from_spec(spec)
    with monkeypatch.context() as hidden:
        if not with_zstd:
            for blocked in ("zstandard", "compression.zstd", "compression"):
                hidden.setitem(sys.modules, blocked, None)  # None in sys.modules makes the import fail
        spec.loader.exec_module(module)
    return module._ActiveDecompressionContext


def speak_without_compression(monkeypatch) -> None:
    """discord.py's own uncompressed mode: `from_client(compress=False)`, which the client never asks for itself."""
    original = discord.gateway.DiscordWebSocket.from_client.__func__

    async def from_client(cls, client, **kwargs):
        return await original(cls, client, **dict(kwargs, compress=False))

    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "from_client", classmethod(from_client))


@pytest.mark.parametrize("compress", ["zstd-stream", "zlib-stream", None])
def test_the_bot_answers_over_each_gateway_compression(compress, run_bot, monkeypatch):
    if compress is None:
        speak_without_compression(monkeypatch)
    else:
        context = discord_decompression(monkeypatch, with_zstd=compress == "zstd-stream")
        assert context.COMPRESSION_TYPE == compress
        monkeypatch.setattr(discord.utils, "_ActiveDecompressionContext", context)

    async def scenario(fake, bot):
        # Many events in one stream: READY, GUILD_CREATE, then two interactions.
        for question in ("What did Vance say about discipline?", "What did Quimby say about school lunches?"):
            payload = await slash(fake, "ask", {"question": question}, who=member(7800000000000000001, "asker"))
            assert_verbatim_and_cited((await followup(fake, payload)).body["embeds"][0])

    fake = run_bot(scenario)
    assert fake.gateway_queries[0].get("compress") == compress
