"""A local stand-in for Discord: the REST routes policybot uses and a gateway websocket.

It speaks the real wire format to the real discord.py client, records every HTTP
request (method, path, query, JSON body) and lets a test dispatch gateway events.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import time
import zlib
from urllib.parse import quote
from dataclasses import dataclass, field
from typing import Any, Callable

import yarl
from aiohttp import web

log = logging.getLogger(__name__)

APP_ID = 1000000000000000001
BOT_ID = APP_ID
GUILD_ID = 2000000000000000002
CHANNEL_ID = 3000000000000000003
MOD_ROLE_ID = 4000000000000000004
OWNER_ID = 5000000000000000005
TOKEN = "MTAw.fake.token-for-tests"

MANAGE_GUILD = 1 << 5
# View channel, send messages, read history, use application commands: a plain member.
PLAIN_PERMISSIONS = (1 << 10) | (1 << 11) | (1 << 16) | (1 << 31)

_ids = itertools.count(6000000000000000000)


def snowflake() -> str:
    return str(next(_ids))


def user(user_id: int, name: str, bot: bool = False) -> dict:
    return {
        "id": str(user_id),
        "username": name,
        "global_name": name,
        "discriminator": "0",
        "avatar": None,
        "bot": bot,
        "public_flags": 0,
    }


BOT_USER = user(BOT_ID, "policybot", bot=True)


def member(user_id: int, name: str, roles: list[int] = (), permissions: int = PLAIN_PERMISSIONS) -> dict:
    return {
        "user": user(user_id, name),
        "roles": [str(r) for r in roles],
        "joined_at": "2024-01-01T00:00:00+00:00",
        "deaf": False,
        "mute": False,
        "flags": 0,
        "pending": False,
        "nick": None,
        "avatar": None,
        "premium_since": None,
        "permissions": str(permissions),
    }


def _interaction_envelope(interaction_id: str, kind: int, who: dict) -> dict:
    """The fields every INTERACTION_CREATE payload shares, in the guild channel, from `who`."""
    return {
        "id": interaction_id,
        "application_id": str(APP_ID),
        "type": kind,
        "token": f"itoken-{interaction_id}",
        "version": 1,
        "guild_id": str(GUILD_ID),
        "channel_id": str(CHANNEL_ID),
        "channel": text_channel(),
        "member": who,
        "app_permissions": str(PLAIN_PERMISSIONS),
        "attachment_size_limit": 10 * 1024 * 1024,
        "locale": "en-US",
        "guild_locale": "en-US",
        "entitlements": [],
        "authorizing_integration_owners": {"0": str(GUILD_ID)},
        "context": 0,
    }


def text_channel() -> dict:
    return {
        "id": str(CHANNEL_ID),
        "type": 0,
        "guild_id": str(GUILD_ID),
        "name": "general",
        "position": 0,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": None,
        "topic": None,
        "last_message_id": None,
        "rate_limit_per_user": 0,
    }


def guild_create() -> dict:
    role = {
        "id": str(GUILD_ID),
        "name": "@everyone",
        "color": 0,
        "hoist": False,
        "position": 0,
        "permissions": str(PLAIN_PERMISSIONS),
        "managed": False,
        "mentionable": False,
        "flags": 0,
    }
    mod_role = dict(role, id=str(MOD_ROLE_ID), name="Moderators", position=1)
    bot_member = member(BOT_ID, "policybot")
    bot_member["user"] = BOT_USER
    return {
        "id": str(GUILD_ID),
        "name": "Test guild",
        "icon": None,
        "owner_id": str(OWNER_ID),
        "region": "europe",
        "afk_channel_id": None,
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "roles": [role, mod_role],
        "emojis": [],
        "stickers": [],
        "features": [],
        "mfa_level": 0,
        "system_channel_id": None,
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "vanity_url_code": None,
        "description": None,
        "banner": None,
        "premium_tier": 0,
        "preferred_locale": "en-US",
        "public_updates_channel_id": None,
        "nsfw_level": 0,
        "premium_progress_bar_enabled": False,
        "joined_at": "2024-01-01T00:00:00+00:00",
        "large": False,
        "unavailable": False,
        "member_count": 3,
        "voice_states": [],
        "members": [bot_member],
        "channels": [text_channel()],
        "threads": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
    }


def message_payload(channel_id: int | str, body: dict, author: dict = BOT_USER, message_id: str | None = None) -> dict:
    """A message object as Discord returns it after a create or edit."""
    return {
        "id": message_id or snowflake(),
        "channel_id": str(channel_id),
        "guild_id": str(GUILD_ID),
        "author": author,
        "content": body.get("content") or "",
        "timestamp": "2024-01-01T00:00:00+00:00",
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": body.get("embeds") or [],
        "components": body.get("components") or [],
        "pinned": False,
        "type": 0,
        "flags": body.get("flags", 0),
    }


def thread_payload(parent_id: str, body: dict) -> dict:
    """A public thread the bot opened from a message in `parent_id`."""
    return {
        "id": snowflake(),
        "type": 11,
        "guild_id": str(GUILD_ID),
        "parent_id": str(parent_id),
        "owner_id": str(BOT_ID),
        "name": body.get("name", "thread"),
        "message_count": 0,
        "member_count": 1,
        "rate_limit_per_user": 0,
        "thread_metadata": {
            "archived": False,
            "auto_archive_duration": body.get("auto_archive_duration", 1440),
            "archive_timestamp": "2024-01-01T00:00:00+00:00",
            "locked": False,
        },
    }


def _zlib_stream() -> Callable[[bytes], bytes]:
    """One zlib stream per connection; each message ends on a sync flush (00 00 ff ff)."""
    stream = zlib.compressobj()
    return lambda data: stream.compress(data) + stream.flush(zlib.Z_SYNC_FLUSH)


def _zstd_stream() -> Callable[[bytes], bytes]:
    """One zstd stream per connection; each websocket message is flushed to a whole block."""
    import zstandard  # only a client that has zstd support asks for it

    stream = zstandard.ZstdCompressor().compressobj()
    return lambda data: stream.compress(data) + stream.flush(zstandard.COMPRESSOBJ_FLUSH_BLOCK)


# What a client may put in the gateway URL's `compress` query, and how each is spoken.
COMPRESSIONS: dict[str | None, Callable[[], Callable[[bytes], bytes] | None]] = {
    None: lambda: None,
    "zlib-stream": _zlib_stream,
    "zstd-stream": _zstd_stream,
}


@dataclass
class Recorded:
    method: str
    path: str  # without the /api/v10 prefix
    query: dict
    body: Any
    at: float = field(default_factory=time.monotonic)

    def __repr__(self) -> str:
        return f"<{self.method} {self.path} {json.dumps(self.body)[:300] if self.body is not None else ''}>"


def _json(data: Any, status: int = 200) -> web.Response:
    # discord.py only parses a body whose Content-Type is exactly application/json.
    return web.Response(status=status, body=json.dumps(data).encode(), headers={"Content-Type": "application/json"})


class FakeDiscord:
    API = "/api/v10"

    def __init__(self, valid_token: str = TOKEN) -> None:
        self.valid_token = valid_token
        self.requests: list[Recorded] = []
        self.identify: dict | None = None
        self.gateway_queries: list[dict] = []
        self.base_url = ""
        self.gateway_url = ""
        self._ws: web.WebSocketResponse | None = None
        self._send_lock = asyncio.Lock()
        self._compress: Callable[[bytes], bytes] | None = None
        self._seq = 0
        self._runner: web.AppRunner | None = None
        self.messages: dict[str, dict] = {}  # id -> message payload, for messages the bot created
        self.origin = ""
        self.attachments: dict[str, tuple[bytes, str]] = {}  # id -> (bytes, content type), served like Discord's CDN

        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_get("/attachments/{id}/{filename}", self._attachment)
        app.router.add_route("*", self.API + "/{tail:.*}", self._rest)
        self.app = app

    # --- lifecycle ------------------------------------------------------------------------

    async def start(self) -> None:
        self._runner = web.AppRunner(self.app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        self.origin = f"http://127.0.0.1:{port}"
        self.base_url = f"{self.origin}{self.API}"
        self.gateway_url = f"ws://127.0.0.1:{port}/gateway"

    async def stop(self) -> None:
        if self._ws is not None and not self._ws.closed:
            await self._ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def gateway(self) -> yarl.URL:
        return yarl.URL(self.gateway_url)

    # --- REST -----------------------------------------------------------------------------

    async def _rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        body = None
        if request.can_read_body:
            raw = await request.read()
            if raw:
                body = json.loads(raw)
        self.requests.append(Recorded(request.method, path, dict(request.query), body))
        auth = request.headers.get("Authorization", "")
        needs_auth = not (path.startswith("/webhooks/") or path.startswith("/interactions/"))
        if needs_auth and auth != f"Bot {self.valid_token}":
            return _json({"message": "401: Unauthorized", "code": 0}, status=401)
        return await self._route(request.method, path.rstrip("/"), request.query, body)

    async def _route(self, method: str, path: str, query: Any, body: Any) -> web.Response:
        parts = path.strip("/").split("/")
        if method == "GET" and path == "/users/@me":
            return _json(BOT_USER)
        if method == "GET" and path == "/oauth2/applications/@me":
            return _json(
                {
                    "id": str(APP_ID),
                    "name": "policybot",
                    "description": "",
                    "icon": None,
                    "bot_public": False,
                    "bot_require_code_grant": False,
                    "owner": user(OWNER_ID, "owner"),
                    "verify_key": "0" * 64,
                    "flags": 0,
                    "team": None,
                }
            )
        if method == "GET" and path == "/gateway/bot":
            return _json(
                {
                    "url": self.gateway_url,
                    "shards": 1,
                    "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1},
                }
            )
        if method == "GET" and path == "/gateway":
            return _json({"url": self.gateway_url})
        if method == "PUT" and parts[0] == "applications" and parts[-1] == "commands":
            return _json(
                [
                    dict(
                        command,
                        id=snowflake(),
                        application_id=str(APP_ID),
                        version=snowflake(),
                        **({"guild_id": parts[3]} if "guilds" in parts else {}),
                    )
                    for command in body
                ]
            )
        if parts[0] == "interactions" and parts[-1] == "callback":
            return _json({"interaction": {"id": parts[1], "type": 2, "response_message_loading": body.get("type") == 5}})
        if parts[0] == "webhooks":
            # /webhooks/{app}/{token} (follow-up) or .../messages/@original or .../messages/{id}
            if method == "POST" and len(parts) == 3:
                message = message_payload(CHANNEL_ID, body)
                self.messages[message["id"]] = message
                return _json(message)
            if method in ("PATCH", "GET") and len(parts) == 5:
                message = message_payload(CHANNEL_ID, body or {}, message_id=parts[4] if parts[4].isdigit() else None)
                return _json(message)
            if method == "DELETE":
                return web.Response(status=204)
        if parts[0] == "channels":
            channel_id = parts[1]
            if method == "POST" and parts[2:] == ["typing"]:
                return web.Response(status=204)
            if method == "POST" and parts[2:] == ["messages"]:
                message = message_payload(channel_id, body)
                self.messages[message["id"]] = message
                return _json(message)
            if method == "POST" and len(parts) == 5 and parts[2] == "messages" and parts[4] == "threads":
                thread = thread_payload(channel_id, body)
                # Discord tells the creator's gateway about the new thread too.
                if self._ws is not None and not self._ws.closed:
                    await self._dispatch_event("THREAD_CREATE", dict(thread, newly_created=True))
                return _json(thread)
            if method == "GET" and parts[2:] == ["messages"]:
                return _json(self.history(channel_id, query))
            if method == "GET" and len(parts) == 4 and parts[2] == "messages":
                message = self.messages.get(parts[3])
                return _json(message) if message else _json({"message": "Unknown Message", "code": 10008}, 404)
        log.warning("stand-in: unhandled %s %s", method, path)
        return _json({"message": "404: Not Found", "code": 0}, status=404)

    # --- attachments ----------------------------------------------------------------------

    def attachment(self, filename: str, data: bytes, content_type: str = "application/octet-stream") -> dict:
        """An uploaded file, served over local HTTP like Discord's CDN; pass it as a slash option value."""
        attachment_id = snowflake()
        self.attachments[attachment_id] = (data, content_type)
        url = f"{self.origin}/attachments/{attachment_id}/{quote(filename)}"
        return {
            "id": attachment_id,
            "filename": filename,
            "size": len(data),
            "url": url,
            "proxy_url": url,
            "content_type": content_type,
        }

    async def _attachment(self, request: web.Request) -> web.Response:
        found = self.attachments.get(request.match_info["id"])
        if found is None:
            return web.Response(status=404)
        data, content_type = found
        return web.Response(body=data, headers={"Content-Type": content_type})

    # --- gateway --------------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.gateway_queries.append(dict(request.query))
        compress = request.query.get("compress")
        if compress not in COMPRESSIONS:
            await ws.close(code=4000, message=f"unknown compress={compress}".encode())
            return ws
        self._compress = COMPRESSIONS[compress]()
        self._ws = ws
        await self._send({"op": 10, "d": {"heartbeat_interval": 41250}})
        async for msg in ws:
            payload = json.loads(msg.data)
            op = payload.get("op")
            if op == 1:
                await self._send({"op": 11})
            elif op == 2:
                self.identify = payload["d"]
                await self._dispatch_event(
                    "READY",
                    {
                        "v": 10,
                        "user": BOT_USER,
                        "guilds": [{"id": str(GUILD_ID), "unavailable": True}],
                        "session_id": "standin-session",
                        "resume_gateway_url": self.gateway_url,
                        "application": {"id": str(APP_ID), "flags": 0},
                        "private_channels": [],
                        "relationships": [],
                    },
                )
                await self._dispatch_event("GUILD_CREATE", guild_create())
            elif op == 6:
                await self._dispatch_event("RESUMED", {})
        return ws

    async def _send(self, payload: dict) -> None:
        data = json.dumps(payload)
        async with self._send_lock:
            assert self._ws is not None
            if self._compress is not None:
                await self._ws.send_bytes(self._compress(data.encode()))
            else:
                await self._ws.send_str(data)

    async def _dispatch_event(self, name: str, data: dict) -> None:
        self._seq += 1
        await self._send({"op": 0, "t": name, "s": self._seq, "d": data})

    async def dispatch(self, name: str, data: dict) -> None:
        await self._dispatch_event(name, data)

    # --- helpers for tests ----------------------------------------------------------------

    def since(self, mark: int) -> list[Recorded]:
        return self.requests[mark:]

    async def wait_for(self, predicate: Callable[[Recorded], bool], *, after: int = 0, timeout: float = 30.0) -> Recorded:
        deadline = time.monotonic() + timeout
        while True:
            for request in self.requests[after:]:
                if predicate(request):
                    return request
            if time.monotonic() > deadline:
                raise AssertionError(f"no matching request within {timeout}s; got: {self.requests[after:]}")
            await asyncio.sleep(0.02)

    def history(self, channel_id: str, query: Any) -> list[dict]:
        """GET /channels/{id}/messages: the bot's messages in that channel, newest first."""
        before = int(query.get("before", 0) or 0)
        limit = int(query.get("limit", 50) or 50)
        found = [m for m in self.messages.values() if m["channel_id"] == str(channel_id) and (not before or int(m["id"]) < before)]
        return sorted(found, key=lambda m: int(m["id"]), reverse=True)[:limit]

    def last_message(self, channel_id: int | str | None = None) -> dict:
        """The newest message the bot created (in `channel_id`, when given)."""
        found = [m for m in self.messages.values() if channel_id is None or m["channel_id"] == str(channel_id)]
        return max(found, key=lambda m: int(m["id"]))

    # Payload builders -----------------------------------------------------------------

    @staticmethod
    def autocomplete(name: str, options: dict, focused: str, *, who: dict | None = None) -> dict:
        """An INTERACTION_CREATE payload for autocomplete while `focused` (one of `options`) is typed."""
        interaction_id = snowflake()
        who = who or member(int(snowflake()), "typist")
        opts = [
            {"name": key, "type": 4 if isinstance(value, int) else 3, "value": value, **({"focused": True} if key == focused else {})}
            for key, value in options.items()
        ]
        return {
            **_interaction_envelope(interaction_id, 4, who),
            "data": {"id": snowflake(), "name": name, "type": 1, "options": opts, "guild_id": str(GUILD_ID)},
        }

    @staticmethod
    def slash(name: str, options: dict | None = None, *, who: dict | None = None, user_id: int | None = None) -> dict:
        """An INTERACTION_CREATE payload for a guild slash command."""
        interaction_id = snowflake()
        who = who or member(user_id or int(snowflake()), "asker")
        opts = []
        resolved: dict = {}
        for key, value in (options or {}).items():
            if isinstance(value, dict):  # an attachment from FakeDiscord.attachment()
                opts.append({"name": key, "type": 11, "value": value["id"]})
                resolved.setdefault("attachments", {})[value["id"]] = value
                continue
            kind = 4 if isinstance(value, int) else 3
            opts.append({"name": key, "type": kind, "value": value})
        data = {"id": snowflake(), "name": name, "type": 1, "options": opts, "guild_id": str(GUILD_ID)}
        if resolved:
            data["resolved"] = resolved
        return {**_interaction_envelope(interaction_id, 2, who), "data": data}

    @staticmethod
    def button(custom_id: str, message: dict, *, who: dict) -> dict:
        """An INTERACTION_CREATE payload for a click on a button of `message`."""
        interaction_id = snowflake()
        return {
            **_interaction_envelope(interaction_id, 3, who),
            "message": message,
            "data": {"custom_id": custom_id, "component_type": 2},
        }

    @staticmethod
    def user_message(content: str, *, author: dict, mentions: list[dict] = (), reply_to: dict | None = None) -> dict:
        """A MESSAGE_CREATE payload from a user in the test channel."""
        data = {
            "id": snowflake(),
            "channel_id": str(CHANNEL_ID),
            "guild_id": str(GUILD_ID),
            "author": author["user"],
            "member": {k: v for k, v in author.items() if k not in ("user", "permissions")},
            "content": content,
            "timestamp": "2024-01-01T00:00:00+00:00",
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [dict(m, member={"roles": [], "joined_at": "2024-01-01T00:00:00+00:00"}) for m in mentions],
            "mention_roles": [],
            "attachments": [],
            "embeds": [],
            "components": [],
            "pinned": False,
            "type": 0,
            "flags": 0,
        }
        if reply_to is not None:
            data["type"] = 19
            data["message_reference"] = {
                "type": 0,
                "message_id": reply_to["id"],
                "channel_id": reply_to["channel_id"],
                "guild_id": str(GUILD_ID),
            }
            data["referenced_message"] = reply_to
        return data
